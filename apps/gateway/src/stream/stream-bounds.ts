import type { JetStreamManager } from "@nats-io/jetstream";

export interface StreamBounds {
  firstSeq: number;
  lastSeq: number;
}

/** The sequences the stream still holds: history before `firstSeq` has aged out. */
export async function readStreamBounds(jsm: JetStreamManager, stream: string): Promise<StreamBounds> {
  const info = await jsm.streams.info(stream);
  return { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq };
}
