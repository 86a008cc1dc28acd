/** Where the console finds Spine; set at dev/build time (`npm start` and the browser tests set both). */
export const API_URL: string = import.meta.env.VITE_SPINE_API_URL ?? "http://127.0.0.1:4000";
export const GATEWAY_URL: string = import.meta.env.VITE_SPINE_GATEWAY_URL ?? "http://127.0.0.1:4001";
