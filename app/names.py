"""People's names as typed in one box or one spreadsheet column."""


def split_name(name: str) -> tuple[str, str]:
    """"Ann Marie Hen" -> ("Ann Marie", "Hen"); one word is a first name."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]
