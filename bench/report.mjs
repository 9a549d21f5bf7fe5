// Renders the results gathered by scripts/bench.mjs as bench/RESULTS.md:
// machine and versions, one table per micro group (time and ratio per
// runtime), the server A/B table, the memory table and the target verdicts.

const RUNTIMES = ["deno", "bun", "node"];
const CL = "contextlocal";

const ns = (value) =>
  value >= 1e6
    ? `${(value / 1e6).toFixed(2)} ms`
    : value >= 1e3
    ? `${(value / 1e3).toFixed(2)} µs`
    : `${value.toFixed(value < 10 ? 2 : 1)} ns`;
const x = (ratio) => `x${ratio.toFixed(2)}`;
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const verdict = (ok) => (ok ? "met" : "**missed**");

/** Targets on micro rows: [label, group, rows, limit]. Scope open takes the worst row. */
const MICRO_TARGETS = [
  ["proxy attribute read <= 3x `als.getStore().req.a`", "attr", ["proxy.attr"], 3],
  ["proxy method call <= 4x `als.getStore().req.m()`", "method", ["proxy.method()"], 4],
  ["`stack.top` <= 1.5x `als.getStore().req`", "top", ["stack.top"], 1.5],
  ["`local.x` read <= 2x a Map read", "read", ["local.x read"], 2],
  ["`local.x = v` <= 3x a Map write", "write", ["local.x = v"], 3],
  [
    "scope open (`manager.run`, 0/1/10/100 locals set) <= 1.2x `als.run`",
    "open",
    [
      "manager.run(fn)",
      "manager.run(fn), 1 local set",
      "manager.run(fn), 10 locals set",
      "manager.run(fn), 100 locals set",
    ],
    1.2,
  ],
];

function microSection(results, runtimes) {
  const lines = [];
  const groups = results.microGroups ?? [];
  for (const group of groups) {
    const names = [];
    for (const runtime of runtimes) {
      for (const row of results.micro[runtime] ?? []) {
        if (row.group === group.id && !names.some((n) => n.name === row.name)) names.push(row);
      }
    }
    lines.push(`### ${group.title}`, "");
    lines.push(
      `| operation | by | ${runtimes.join(" | ")} | target |`,
      `|---|---|${runtimes.map(() => "---:|").join("")}---|`,
    );
    for (const { name, by } of names) {
      const cells = runtimes.map((runtime) => {
        const row = (results.micro[runtime] ?? []).find((r) =>
          r.group === group.id && r.name === name
        );
        return row ? `${ns(row.ns)} (${x(row.ratio)})` : "n/a";
      });
      const target = group.targetRows?.includes(name) ? `<= ${group.target}x` : "";
      lines.push(`| \`${name}\` | ${by} | ${cells.join(" | ")} | ${target} |`);
    }
    lines.push("");
  }
  return lines;
}

function findRow(results, runtime, group, name) {
  return (results.micro[runtime] ?? []).find((r) => r.group === group && r.name === name);
}

/**
 * Like for like: [group, our row, the peers' rows doing the same thing]. A
 * proxy is compared with nestjs-cls's proxy; reading the object directly
 * (stack.top.a) with unctx's use() and Hono's getContext().
 */
const PEER_PAIRS = [
  ["attr", "proxy.attr", ["nestjs-cls proxy.a"]],
  ["attr", "stack.top.a (no proxy)", ["unctx use().a", "hono getContext().get('req').a"]],
  ["method", "proxy.method()", ["nestjs-cls proxy.m()"]],
  ["method", "stack.top.m() (no proxy)", [
    "unctx use().m()",
    "hono getContext().get('req').m()",
  ]],
  ["top", "stack.top", ["unctx use()", "hono getContext().get('req')", "nestjs-cls cls.get(key)"]],
  ["read", "local.x read", ["hono getContext().get('x')", "nestjs-cls cls.get('x')"]],
  ["write", "local.x = v", ["hono getContext().set('x', v)", "nestjs-cls cls.set('x', v)"]],
  ["open", "manager.run(fn)", ["unctx call(obj, fn)", "nestjs-cls cls.run(fn)"]],
  ["open-async", "await manager.run(async fn)", [
    "await unctx callAsync(obj, fn)",
    "await hono contextStorage()(c, next)",
    "await nestjs-cls cls.run(async fn)",
  ]],
];

/** Which peers beat contextlocal on the same operation, per runtime. */
function peerLines(results, runtimes) {
  const lines = [
    `| contextlocal | compared with | ${runtimes.join(" | ")} |`,
    `|---|---|${runtimes.map(() => "---|").join("")}`,
  ];
  for (const [group, ours, peers] of PEER_PAIRS) {
    const cells = runtimes.map((runtime) => {
      const mine = findRow(results, runtime, group, ours);
      if (!mine) return "n/a";
      // Ratios, not times: each library ran in its own process, against
      // that process's baseline.
      const faster = peers.map((p) => findRow(results, runtime, group, p))
        .filter((r) => r && r.ratio < mine.ratio);
      return faster.length === 0
        ? `${x(mine.ratio)}: fastest (met)`
        : `${x(mine.ratio)}: **slower than** ` +
          faster.map((r) => `${r.name} ${x(r.ratio)}`).join(", ");
    });
    lines.push(
      `| \`${ours}\` | ${peers.map((p) => `\`${p}\``).join(", ")} | ${cells.join(" | ")} |`,
    );
  }
  return lines;
}

function targetLines(results, runtimes) {
  const lines = [
    `| target | ${runtimes.join(" | ")} |`,
    `|---|${runtimes.map(() => "---|").join("")}`,
  ];
  for (const [label, group, names, limit] of MICRO_TARGETS) {
    const cells = runtimes.map((runtime) => {
      const rows = names.map((n) => findRow(results, runtime, group, n)).filter(Boolean);
      if (rows.length === 0) return "n/a";
      const worst = Math.max(...rows.map((r) => r.ratio));
      return `${x(worst)} ${verdict(worst <= limit)}`;
    });
    lines.push(`| ${label} | ${cells.join(" | ")} |`);
  }
  const flat = runtimes.map((runtime) => {
    const zero = findRow(results, runtime, "open", "manager.run(fn)");
    const hundred = findRow(results, runtime, "open", "manager.run(fn), 100 locals set");
    if (!zero || !hundred) return "n/a";
    const growth = hundred.ns / zero.ns;
    return `100 locals / 0 locals = ${x(growth)} ${verdict(growth <= 1.2)}`;
  });
  lines.push(`| scope open flat in the number of locals set (O(1)) | ${flat.join(" | ")} |`);
  const server = runtimes.map((runtime) => {
    const s = results.server[runtime];
    if (!s) return "n/a";
    const cost = 1 - s.variants.contextlocal.rpsRatio;
    return `${(cost * 100).toFixed(1)}% ${verdict(cost <= 0.03)}`;
  });
  lines.push(`| <= 3% requests/s cost on the runtime's server | ${server.join(" | ")} |`);
  const cpu = runtimes.map((runtime) => {
    const s = results.server[runtime];
    if (!s) return "n/a";
    const { als, contextlocal } = s.variants;
    return `x${contextlocal.cpuRatio.toFixed(3)} of plain, x${
      (contextlocal.cpuRatio / als.cpuRatio).toFixed(3)
    } of hand-written ALS`;
  });
  lines.push(`| (evidence) server CPU per request, contextlocal | ${cpu.join(" | ")} |`);
  const memory = runtimes.map((runtime) => {
    const m = (results.memory[runtime] ?? []).find((r) => r.name === CL);
    if (!m) return "n/a";
    return `${kb(m.growthBytes)} ${verdict(m.growthBytes < 1024 * 1024)}`;
  });
  lines.push(
    `| heap growth after 100,000 scopes + GC near zero (< 1 MB) | ${memory.join(" | ")} |`,
  );
  return lines;
}

function serverLines(results, runtimes) {
  const lines = [
    "| runtime | plain req/s | hand-written ALS req/s (ratio) | contextlocal req/s (ratio) | cost | server CPU µs/request: plain / ALS / contextlocal |",
    "|---|---:|---:|---:|---:|---|",
  ];
  for (const runtime of runtimes) {
    const s = results.server[runtime];
    if (!s) continue;
    const { plain, als, contextlocal } = s.variants;
    lines.push(
      `| ${runtime} | ${plain.rps.toFixed(0)} | ${als.rps.toFixed(0)} (${x(als.rpsRatio)}) | ${
        contextlocal.rps.toFixed(0)
      } (${x(contextlocal.rpsRatio)}) | ${((1 - contextlocal.rpsRatio) * 100).toFixed(1)}% | ${
        plain.cpuUsPerRequest.toFixed(1)
      } / ${als.cpuUsPerRequest.toFixed(1)} (${x(als.cpuRatio)}) / ${
        contextlocal.cpuUsPerRequest.toFixed(1)
      } (${x(contextlocal.cpuRatio)}) |`,
    );
  }
  const any = runtimes.map((r) => results.server[r]).find(Boolean);
  if (any) {
    lines.push(
      "",
      `req/s and CPU: medians of ${any.rounds} alternating rounds of ${any.seconds} s per ` +
        "variant; ratios: median over rounds of the ratio to plain in the same round " +
        "(the variants run back to back); cost = 1 - that ratio. " +
        `Autocannon, ${any.connections} connections, client on ${results.machine.clientNode}, ` +
        "after a warm-up of each server. Client and servers share the machine's cores, so " +
        "requests/s is partly client-bound; server CPU per request (from /proc) isolates " +
        "the server's own cost.",
    );
  }
  return lines;
}

function memoryLines(results, runtimes) {
  const lines = [
    "| runtime | variant | scopes | heap before | peak | after GC | growth | per scope |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const runtime of runtimes) {
    for (const m of results.memory[runtime] ?? []) {
      lines.push(
        `| ${runtime} | ${m.name} | ${m.scopes} | ${kb(m.baselineBytes)} | ${kb(m.peakBytes)} | ${
          kb(m.afterBytes)
        } | ${kb(m.growthBytes)} | ${m.growthPerScopeBytes.toFixed(2)} B |`,
      );
    }
  }
  return lines;
}

/** The whole of bench/RESULTS.md. */
export function renderResults(results) {
  const runtimes = RUNTIMES.filter((r) => results.versions[r] !== undefined);
  const m = results.machine;
  const lines = [
    "# contextlocal benchmark results",
    "",
    `Generated by \`npm run bench\` (scripts/bench.mjs) on ${results.date}` +
    `${results.quick ? " with --quick" : ""}, in ${results.minutes} min.`,
    "Analysis of each target, profiles and how to read these numbers: [README.md](README.md).",
    "",
    `- machine: ${m.nproc} cores (nproc), ${m.cpu}; load average ${
      m.loadAverageAtStart.join(" ")
    } at start, ${m.loadAverageAtEnd?.join(" ") ?? "?"} at end`,
    ...runtimes.map((r) => `- ${r}: ${results.versions[r]}`),
    "- micro: median of interleaved samples (31 x 10 ms, or 14 x 50 ms for groups that " +
    "allocate), after warm-up; the ratio is to the baseline row measured in the same process run; " +
    `each group ran ${results.microRepeats ?? 1} time(s) per runtime, each in a fresh process, ` +
    "and a row shows the median time and the median ratio of those runs (results.json has each " +
    "run's ratio).",
    "",
  ];
  if (Object.keys(results.micro).length > 0 || Object.keys(results.server).length > 0) {
    lines.push("## Targets", "", ...targetLines(results, runtimes), "");
  }
  if (Object.keys(results.micro).length > 0) {
    lines.push(
      "## Against peers (same operation; ratio to the baseline of each library's own process)",
      "",
      ...peerLines(results, runtimes),
    );
    lines.push("", "## Micro benchmarks: time per operation (ratio to the baseline)", "");
    lines.push(...microSection(results, runtimes));
  }
  if (Object.keys(results.server).length > 0) {
    lines.push("## Server: hello world with and without contextlocal", "");
    lines.push(...serverLines(results, runtimes), "");
  }
  if (Object.keys(results.memory).length > 0) {
    lines.push("## Memory: 100,000 finished scopes, then a full GC", "");
    lines.push(...memoryLines(results, runtimes), "");
  }
  return lines.join("\n");
}
