"""The clock of the Stable Diffusion workloads: a pipeline's denoising loop timed from inside it,
from the moment the pipeline opens its progress bar (right before the loop) to the last step's
``callback_on_step_end``, both readings synchronised with the GPU
(``gpusurvey.bench.workloads.stable_diffusion``)."""

from __future__ import annotations

from gpusurvey.bench.timing import now


class LoopClock:
    """Times one pipeline's denoising loop from inside the pipeline .

    Only the two ends synchronise with the GPU, so the steps in between run as they would
    under a plain progress bar. ``on_step(done, total)`` hears of every finished step."""

    def __init__(self, pipe, device: str, on_step=None):
        self.device = device
        self.on_step = on_step
        self.start = self.end = None
        self.steps = 0
        self.pipe = pipe
        opener = pipe.progress_bar

        def progress_bar(*args, **kwargs):
            self.start, self.end, self.steps = now(device), None, 0
            return opener(*args, **kwargs)

        pipe.progress_bar = progress_bar
        pipe.set_progress_bar_config(disable=True)

    def detach(self) -> None:
        """Remove the hook: it holds the pipeline's own ``progress_bar``, a bound method, so
        the pipeline refers to itself through it and only a garbage collection would free it."""
        if self.pipe is not None:
            del self.pipe.progress_bar
            self.pipe = None

    def callback(self, pipe, step: int, timestep, callback_kwargs: dict) -> dict:
        """``callback_on_step_end``: counts the step; the last one stops the clock."""
        self.steps += 1
        if step == pipe.num_timesteps - 1:
            self.end = now(self.device)
        if self.on_step is not None:
            self.on_step(self.steps, pipe.num_timesteps)
        return callback_kwargs

    def seconds(self) -> float:
        if self.start is None or self.end is None:
            raise RuntimeError("the denoising loop did not run to its last step")
        return self.end - self.start
