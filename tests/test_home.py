"""Home page: renders, links both tools, shows both diagrams, and never imports TensorFlow."""

import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core import diagrams

ROOT = Path(__file__).resolve().parents[1]


def test_home_renders_both_cards_and_diagrams():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value == "LSTM Lab"
    assert [header.value for header in at.subheader] == ["Review sentiment", "Stock forecast"]
    assert len(at.get("plotly_chart")) == 2


def test_home_does_not_import_tensorflow():
    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60)\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.split()[-2:] == ["False", "False"]


def step_count(figure) -> int:
    return figure.layout.meta["steps"]


def test_diagram_records_real_step_count_and_collapses_long_sequences():
    steps = [diagrams.Step(f"w{i}", f"word {i}") for i in range(300)]
    figure = diagrams.unrolled(steps)
    assert step_count(figure) == 300
    assert figure.layout.meta["drawn"] == diagrams.MAX_DRAWN
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert "…<br>294<br>more" in texts
    assert "w0" in texts and "w299" in texts


def test_short_diagram_draws_every_step_and_only_the_outputs_given():
    figure = diagrams.many_to_one_example()
    assert step_count(figure) == figure.layout.meta["drawn"] == 7
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert texts.count("LSTM") == 7
    assert sum(text.startswith("score") for text in texts) == 1
    many = diagrams.many_to_many_example()
    outputs = [text for text in (a.text for a in many.layout.annotations) if text.startswith("→")]
    assert len(outputs) == step_count(many)


def test_home_forecast_card_mentions_excel_and_pasted_rows():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    text = " ".join(element.value for element in at.markdown)
    assert "Excel" in text and "paste rows" in text
