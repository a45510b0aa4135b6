// probe-worker.mjs: the probe as a Cloudflare Worker, bundled by esbuild and run in workerd by Miniflare. The test
// posts `{ baseUrl, delivery }` and reads the probe's result as the JSON answer.
import { probe } from "./probe.mjs";

export default {
  async fetch(request) {
    const { baseUrl, delivery } = await request.json();
    return Response.json(await probe(baseUrl, delivery));
  },
};
