"""Progress reports of a training job, and a Keras callback that forwards them to any callable.

The callback class is built on first use so importing this module never imports TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class EpochReport:
    """What a progress callable receives after each epoch."""

    epoch: int
    epochs: int
    logs: dict[str, float] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        return self.epoch / max(self.epochs, 1)


@dataclass(frozen=True)
class PhaseReport:
    """A step of a job that is not an epoch, such as scoring the test days, to show as it starts."""

    label: str
    fraction: float  # of the whole job, for a progress bar


ProgressFn = Callable[[EpochReport], object]


def keras_progress_callback(progress: ProgressFn | None, epochs: int, should_stop=None):
    """Return a Keras callback calling ``progress(EpochReport)`` after each epoch.

    Parameters
    ----------
    progress : callable or None
        Receives an :class:`EpochReport`; its return value is ignored.
    epochs : int
        The planned number of epochs, for the fraction shown in progress bars.
    should_stop : callable returning bool, optional
        Polled after each batch; when it returns True the training stops cleanly.
    """
    import keras

    class _Forward(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if progress is not None:
                clean = {key: float(value) for key, value in (logs or {}).items()}
                progress(EpochReport(epoch=epoch + 1, epochs=epochs, logs=clean))

        def on_train_batch_end(self, batch, logs=None):
            if should_stop is not None and should_stop():
                self.model.stop_training = True

    return _Forward()
