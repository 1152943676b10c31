// Drives `code-query mcp` with the official TypeScript MCP client, as an assistant would: starts
// the server over stdio, lists its tools, makes the calls a plan names, and prints what came back
// as one JSON object. It judges nothing: McpClientIT compares the answers with the CLI's --json.
//
// usage: node drive.mjs PLAN.json
//   PLAN: {"command": "...", "args": [...], "env": {...},
//          "steps": [{"tool": "search_docs", "arguments": {...}} | {"method": "x/y", "params": {}}]}
// prints: {"server", "instructions", "tools", "steps": [{"result"} | {"error": {"code", "message"}}],
//          "client_errors", "stderr", "close_ms"}
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError, ResultSchema } from "@modelcontextprotocol/sdk/types.js";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const transport = new StdioClientTransport({
  command: plan.command,
  args: plan.args,
  env: { ...getDefaultEnvironment(), ...(plan.env ?? {}) },
  stderr: "pipe",
});
let stderr = "";
transport.stderr.on("data", (chunk) => (stderr += chunk.toString()));

const client = new Client({ name: "code-query-mcp-test", version: "1.0.0" });
// Anything on the server's stdout that is not a JSON-RPC message ends up here.
const clientErrors = [];
client.onerror = (e) => clientErrors.push(String(e?.stack ?? e));

function failure(e) {
  return e instanceof McpError
    ? { code: e.code, message: e.message, data: e.data ?? null }
    : { code: null, message: String(e?.message ?? e) };
}

await client.connect(transport);
const out = {
  server: client.getServerVersion(),
  instructions: client.getInstructions() ?? null,
  tools: (await client.listTools()).tools,
  steps: [],
};
for (const step of plan.steps) {
  try {
    if (step.tool !== undefined) {
      out.steps.push({ result: await client.callTool({ name: step.tool, arguments: step.arguments }) });
    } else {
      const result = await client.request({ method: step.method, params: step.params ?? {} }, ResultSchema);
      out.steps.push({ result });
    }
  } catch (e) {
    out.steps.push({ error: failure(e) });
  }
}
// close() ends the server's stdin, then waits up to 2 s before it sends SIGTERM: a server that
// ends by itself when its input closes is gone well before that.
const closing = Date.now();
await client.close();
out.close_ms = Date.now() - closing;
out.client_errors = clientErrors;
out.stderr = stderr;
process.stdout.write(JSON.stringify(out) + "\n");
