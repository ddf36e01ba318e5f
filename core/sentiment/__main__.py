"""Command line: ``python -m core.sentiment score|evaluate|train|behaviour``.

Bad input exits with status 2 and a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# TensorFlow's C++ start-up chatter would bury the one-line messages this tool prints
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from core.paths import SENTIMENT_MODEL_DIR


def _score(args) -> int:
    from core.sentiment import label_of, load_model, prepare_review

    texts = args.text or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not texts:
        raise ValueError("No reviews given: pass TEXT arguments or one review per stdin line.")
    model = load_model(args.model)
    prepared = [prepare_review(text).text for text in texts]
    for text, probability in zip(texts, model.predict_proba(prepared), strict=True):
        record = {
            "text": text,
            "p_positive": round(float(probability), 6),
            "label": label_of(float(probability)),
        }
        print(json.dumps(record, ensure_ascii=False))
    return 0


def _evaluate(args) -> int:
    from core import textio
    from core.sentiment import load_model
    from core.sentiment.data import labelled_reviews, read_review_csv
    from core.sentiment.metrics import classification_metrics

    path = Path(args.csv)
    if not path.is_file():
        raise ValueError(f"{path} does not exist; pass a .csv or .csv.gz file.")
    frame = read_review_csv(textio.read_file(path), path.name)
    texts, labels = labelled_reviews(frame, args.text_column, args.label_column)
    model = load_model(args.model)
    metrics = classification_metrics(labels, model.predict_proba(texts))
    print(json.dumps({"csv": str(path), **metrics}))
    return 0


def _train(args) -> int:
    from core.sentiment.pipeline import train_shipped
    from core.sentiment.settings import ModelSettings

    settings = ModelSettings() if args.epochs is None else ModelSettings(epochs=args.epochs)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    metrics = train_shipped(args.out, settings, log=log)
    ablations = metrics["ablations"]
    summary = {
        "out": str(args.out),
        "held_out_accuracy": metrics["held_out"]["accuracy"],
        "sst2_test_accuracy": metrics["sst2_test"]["accuracy"],
        "bag_of_ngrams_accuracy": ablations["bag_of_ngrams"]["held_out"]["accuracy"],
        "tfidf_lr_accuracy": ablations["tfidf_lr"]["held_out"]["accuracy"],
        "seconds": metrics["training"]["seconds_total"],
    }
    print(json.dumps(summary))
    return 0


def _behaviour(args) -> int:
    from core.sentiment import load_metrics, load_model
    from core.sentiment.behaviour import baselines, evaluate

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    model = load_model(args.model)
    report = {"model": str(args.model or SENTIMENT_MODEL_DIR), **evaluate(model.predict_proba)}
    if args.baselines or args.record:
        report["baselines"] = baselines(args.model, log=log)
    if args.record:
        # metrics.json lies beside the model; every key training wrote there stays as it was
        folder = Path(args.model or SENTIMENT_MODEL_DIR)
        folder = folder.parent if folder.suffix == ".keras" else folder
        metrics = load_metrics(folder)
        recorded = {key: value for key, value in report.items() if key != "model"}
        command = "python -m core.sentiment behaviour --record"
        metrics["behaviour"] = {"command": command, **recorded}
        (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
        log(f"wrote the behavioural report into {folder / 'metrics.json'} under 'behaviour'")
    print(json.dumps(report, indent=2))
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core.sentiment", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    score = commands.add_parser("score", help="score reviews; one JSON object per review")
    score.add_argument("text", nargs="*", help="reviews; read one per stdin line when absent")
    score.add_argument("--model", type=Path, default=None, help="model folder (default: shipped)")
    score.set_defaults(handler=_score)

    evaluate = commands.add_parser("evaluate", help="accuracy and ROC AUC on a labelled CSV")
    evaluate.add_argument("--csv", required=True, help=".csv or .csv.gz with text and label")
    evaluate.add_argument("--text-column", default=None)
    evaluate.add_argument("--label-column", default=None)
    evaluate.add_argument("--model", type=Path, default=None)
    evaluate.set_defaults(handler=_evaluate)

    train = commands.add_parser("train", help="reproduce the shipped model and its metrics")
    train.add_argument("--out", type=Path, default=SENTIMENT_MODEL_DIR)
    train.add_argument(
        "--epochs", type=int, default=None, help="most LSTM epochs (default: the shipped model's)"
    )
    train.set_defaults(handler=_train)

    behaviour = commands.add_parser(
        "behaviour",
        help="the behavioural suite (negation, contrast, word order, invariance) by category",
    )
    behaviour.add_argument("--model", type=Path, default=None)
    behaviour.add_argument(
        "--baselines",
        action="store_true",
        help="also fit TF-IDF+LR and a bag of words on the training split and score them",
    )
    behaviour.add_argument(
        "--record",
        action="store_true",
        help="also fit the baselines and write the report into the model's metrics.json "
        "under 'behaviour' (every other key kept)",
    )
    behaviour.set_defaults(handler=_behaviour)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ValueError as error:
        message = " ".join(str(error).split())
        print(f"python -m core.sentiment {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
