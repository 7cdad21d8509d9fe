"""The load run's report: ``load.json`` (everything) and ``load.md`` (the tables a person reads)."""
from __future__ import annotations

import json
from pathlib import Path

from tools.load.run import HELD_RATE


def write_report(phases: list[dict], out: Path, machine: str) -> tuple[Path, Path]:
    """Write ``out/load.json`` and ``out/load.md`` for ``phases``; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    data = {"machine": machine, "held_rate_per_s": HELD_RATE, "phases": phases}
    json_path, md_path = out / "load.json", out / "load.md"
    json_path.write_text(json.dumps(data, indent=2, default=str))
    md_path.write_text(markdown(data))
    return json_path, md_path


def markdown(data: dict) -> str:
    """The report as Markdown: one summary row per phase, then each phase's sessions and pranks."""
    lines = [f"# Load report", "", f"Machine: {data['machine']}. A session is *held* when its step counter "
             f"redraws at least {data['held_rate_per_s']:g} times a second over the steady window "
             "(from the last session's first update to the end). The load generator's own CPU use is given "
             "beside each phase: on a small machine it competes with the server.", "",
             "| target | prankster | sessions | held ≥ 2/s | queued for a trainer | updates/s (median, min) | counter redraws/s (median) | Start → first update (median s) "
             "| steps/s per session (median) | commands (lost, late) | server CPUs (server + trainers, proxy) "
             "| CPU per session | server CPU ms per update | memory per session (MB) | server up |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in data["phases"]:
        server = p.get("server")
        cpus = f"{server['cpus']['server']:.2f} + {server['cpus']['trainers']:.2f}, {server['cpus']['proxy']:.2f}" if server else "—"
        lines.append(
            f"| {p['target']} | {'yes' if p['prankster'] else 'no'} | {p['sessions']} | {p['sessions_held']} "
            f"| {p['sessions_queued']} | {p['updates_per_s_median']:.2f}, {p['updates_per_s_min']:.2f} "
            f"| {p['redraws_per_s_median']:.2f} | {p['start_to_first_update_s_median']:.2f} "
            f"| {p['steps_per_s_median']:.0f} | {p['commands']} ({p['lost']}, {p['late']}) | {cpus} "
            f"| {server['cpu_per_session']:.3f} | {server['server_ms_per_update'] or '—'} | {server['rss_per_session_mb']:.1f} | "
            f"{'no' if p['server_down_at_end'] else 'yes'} |" if server else
            f"| {p['target']} | {'yes' if p['prankster'] else 'no'} | {p['sessions']} | {p['sessions_held']} "
            f"| {p['sessions_queued']} | {p['updates_per_s_median']:.2f}, {p['updates_per_s_min']:.2f} "
            f"| {p['redraws_per_s_median']:.2f} | {p['start_to_first_update_s_median']:.2f} "
            f"| {p['steps_per_s_median']:.0f} | {p['commands']} ({p['lost']}, {p['late']}) | — | — | — | — "
            f"| {'no' if p['server_down_at_end'] else 'yes'} |")
    for index, p in enumerate(data["phases"], 1):
        lines += ["", f"## Phase {index}: {p['sessions']} sessions on the {p['target']}"
                  f"{' with the prankster' if p['prankster'] else ''}", "",
                  f"Window {p['window_s']} s; the load generator used {p.get('generator_cpus', 0):.2f} CPUs.", "",
                  "| session | replica | page until Start (s) | Start → first update (s) | updates | updates/s "
                  "| redraws/s | queued redraws | steps/s | commands | lost | late | errors |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in p["rows"]:
            lines.append(f"| {r['session']} | {r['replica'] or '—'} | {_s(r['page_load_s'])} "
                         f"| {_s(r['start_to_first_update_s'])} | {r['updates']} | {r['updates_per_s']:.2f} "
                         f"| {r['redraws_per_s']:.2f} | {r['queued_redraws']} "
                         f"| {r['steps_per_s']:.0f} | {r['commands']} | {r['lost']} | {r['late']} "
                         f"| {'; '.join(r['errors'])[:200] or '—'} |")
        if p["pranks"]:
            lines += ["", "| attack class | tries | refused with a message | server up after | "
                      "peak server memory rise (MB) | note |", "|---|---|---|---|---|---|"]
            for k in p["pranks"]:
                lines.append(f"| {k['attack']} | {k['tries']} | {k['messages']} | { {True: 'yes', False: 'NO', None: '—'}[k['server_up']] } "
                             f"| {k.get('rss_rise_mb', '—')} | {'; '.join([k['note'][:160], *k.get('tracebacks', [])[:3]])} |")
    return "\n".join(lines) + "\n"


def _s(value) -> str:
    return "—" if value is None else f"{value:.2f}"
