/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_SPINE_API_URL?: string;
  readonly VITE_SPINE_GATEWAY_URL?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
