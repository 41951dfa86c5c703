"""Every lesson, exported with `cnnrepl export --to ipynb`, runs top to bottom in Jupyter (nbclient, headless,
the cnnrepl kernel) and its text gives back the lesson's golden transcript (transcripts/NAME.txt): narration
lines from the markdown cells' metadata, `cnn> ` and `...> ` before each code cell's lines, then its stdout
streams, with a blank line where a run puts one before narration that follows code."""

import difflib
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO, decode_png, run_export

LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("*.cnn"))


def transcript_of(notebook) -> str:
    text, last_was_code = "", False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            if last_was_code:
                text += "\n"
            text += "".join(line + "\n" for line in cell.metadata["cnnrepl"]["narration"])
            last_was_code = False
            continue
        for index, line in enumerate(cell.source.split("\n")):
            text += ("cnn> " if index == 0 else "...> ") + line + "\n"
        for output in cell.outputs:
            assert output.output_type != "error", f"{cell.source!r} failed: {output.get('evalue')}"
            if output.output_type == "stream" and output.name == "stdout":
                text += output.text
        last_was_code = True
    return text


def saved_files_by_name(text: str) -> str:
    """The text with every file a lesson saved named from its lesson folder ("pictures/x.png",
    "fashion-cnn-tuned.keras"): cnnrepl names a written file from the folder it runs in (the transcript's run:
    "lessons/pictures/x.png"), and the notebook runs in a copy of lessons/ elsewhere."""
    text = re.sub(r"^(saved .*? to )\S*?lessons/", r"\1", text, flags=re.M)
    return re.sub(r"^(saved .*? to )\S*?(pictures/\S+?)([:,]? )", r"\1\2\3", text, flags=re.M)


def check_same(actual: str, expected: str, name: str) -> None:
    actual, expected = saved_files_by_name(actual), saved_files_by_name(expected)
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"transcripts/{name}.txt", f"{name}.ipynb run in Jupyter", n=2))
        pytest.fail(f"the notebook's text differs from the transcript:\n{diff[:6000]}")


@pytest.mark.parametrize("name", LESSONS)
def test_exported_lesson_runs_in_jupyter_and_matches_its_transcript(name, binary, kernelspec, tmp_path):
    # The kernel runs in a copy of lessons/, so the lesson finds its data/ and writes nothing in the repository.
    folder = tmp_path / "lessons"
    shutil.copytree(REPO / "lessons", folder)
    path = tmp_path / f"{name}.ipynb"
    run_export(binary, folder / f"{name}.cnn", "ipynb", path)
    expected = (REPO / "transcripts" / f"{name}.txt").read_text()
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    check_same(transcript_of(notebook), expected, name)  # the export's own outputs
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(notebook, kernel_name=kernelspec, timeout=1200,
                   resources={"metadata": {"path": str(folder)}}).execute()
    check_same(transcript_of(notebook), expected, name)
    # `show` and `plot` draw inline pictures in Jupyter, after their text
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.split(" ")[0] in ("show", "plot"):
            pictures = [o for o in cell.outputs if o.output_type == "display_data"]
            assert len(pictures) == 1, f"{cell.source!r} drew {len(pictures)} pictures"
            width, height, _ = decode_png(pictures[0].data["image/png"])
            assert width > 0 and height > 0
