"""axe-core (from npm) in a real page: the WCAG 2.1 A/AA violations it finds, for any browser test.

    enable_axe(page)                # once, before the pages are opened
    page.goto(url)
    assert not blocking_violations(page), describe(blocking_violations(page))
"""
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def enable_axe(page) -> None:
    """Load axe-core into every page this tab opens from now on.

    An init script runs outside the page's CSP (which rightly forbids an injected <script>).
    """
    page.add_init_script(path=str(AXE))


def blocking_violations(page, impacts=BLOCKING) -> list[dict]:
    """The serious and critical WCAG 2.1 AA violations on the page as it is now.

    Only violations are reported in full: detailing every passed check took axe longer than the checks.
    """
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_AA)
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """A readable list of violations: rule, impact, help and the first few offending elements."""
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return "\n".join(lines)
