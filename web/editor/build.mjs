// Bundles entry.js into ../../src/boardpaper/service/static/vendor/codemirror.js (one minified ES
// module, committed, so the page needs no CDN and Python users need no Node) and collects the
// licence of every bundled package into codemirror.LICENSE.txt beside it.
// Run after changing a version in package.json: npm ci && npm run build
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";

const out = new URL("../../src/boardpaper/service/static/vendor/", import.meta.url);
const result = await build({
  entryPoints: ["entry.js"],
  bundle: true,
  format: "esm",
  minify: true,
  legalComments: "none",
  metafile: true,
  outfile: new URL("codemirror.js", out).pathname,
});

const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]);
}
const notices = [...packages].sort().map((name) => {
  const meta = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8"));
  const licence = readFileSync(`node_modules/${name}/LICENSE`, "utf8").trim();
  return `${name} ${meta.version} (${meta.license})\n\n${licence}\n`;
});
writeFileSync(
  new URL("codemirror.LICENSE.txt", out),
  "Third-party code bundled in codemirror.js (built by web/editor/build.mjs).\n\n" +
    notices.join("\n" + "-".repeat(72) + "\n\n"),
);
console.log(`bundled ${packages.size} packages`);
