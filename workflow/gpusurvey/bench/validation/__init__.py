"""Check and measure a CUDA machine in one call that stops itself within a time budget
(``gpusurvey validate``).

Runs, in this order, each step as a subprocess with a timeout, and keeps what finished:

1. ``probe``: torch, CUDA and the GPU (nothing else runs without a GPU when the device is cuda);
2. ``llm-checkpoint``, in the background: the synthetic LLaMA-13B GPTQ checkpoint, written
   once into ``llama_gptq.scratch_folder`` (where tests/benchmarks/llm_roofline.py finds it),
   while ``exllamav2-build`` imports exllamav2, which compiles its CUDA extension into a fresh
   ``TORCH_EXTENSIONS_DIR`` of this run (a build killed midway leaves no stale lock behind for
   a later run);
3. decoding (exllamav2);
4. Stable Diffusion's text to image and upscaling with PyTorch's SDPA attention, then the matrix
   product, so that the records the tables read come first, then ``llm-gpu-tests``
   (``pytest -m gpu tests/test_llm_gpu.py``);
5. variants, which no table reads: the xformers runs only when ``xformers-probe`` finds its
   compiled kernels loading beside this torch, the unquantised transformers LLM backend, and
   ``torch.compile`` last.

Budget (``steps``): each step has planned seconds; before a step starts, its estimate is
compared with what is left of ``--budget`` (less a reserve for the summary) and a step that
would not fit is skipped, going on with the next; a step that runs is killed, with its process
group, when it outlives ``2 x estimate`` (at least estimate + 60 s) or the budget's end,
whichever comes first. A step that needs an earlier one (a record of exllamav2 needs its build)
is skipped when that one did not succeed.

Output (``runner``), under OUT (default ``$OUT``; another folder inside the checkout is
refused), flat enough to come back from a machine that returns at most 8 files, 2 folders down
at most:

    OUT/summary.json, OUT/summary.txt   every step: status, seconds, estimate, record, value
    OUT/steps.log                       every step's own output
    OUT/<machine>/<workload>.json       the records the tables read (4 at most)
    OUT/variants.tar                    <machine>/variants/<name>.json, the variants' records

The summary is rewritten after every step, so a call cut short still brings back what ran.
``data/measurements/README.md`` says how the records are submitted, and gives the command of a
borrowed GPU machine without network or Snakemake, whose own torch must stay (the missing
packages travel as wheels). ``--device cpu --profile smoke`` rehearses the same steps on tiny
models on any machine.
"""
