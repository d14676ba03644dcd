"""The TorchScript folder contract shared by export_sd_torchscript.py (real Stable Diffusion weights) and
make_tiny_sd.py (the miniature random-weight fixture the tests run).

Both scripts wrap their models in the classes below and save them with `export`, so the two cannot drift apart:
the module signatures come from one file, module-signatures.json, which the Java loader
(dev.forge3d.runtime.sds.torchscript.ModuleContract) reads too. `export` checks every traced module against it
(input names, output shape and dtype, at two batch sizes) before it writes anything.
"""
import inspect
import json
import os

import torch

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "gpu-runtime", "src", "main", "resources",
                         "dev", "forge3d", "runtime", "sds", "torchscript", "module-signatures.json")
with open(SPEC_PATH) as f:
    SPEC = {m["file"]: m for m in json.load(f)["modules"]}

DTYPES = {"float32": torch.float32, "int64": torch.int64}


class TextEncoder(torch.nn.Module):
    """diffusers/transformers CLIPTextModel -> last hidden state."""

    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, input_ids):
        return self.enc(input_ids)[0]


class Unet(torch.nn.Module):
    """diffusers UNet2DConditionModel -> predicted noise."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, latents, t, text):
        return self.unet(latents, t, encoder_hidden_states=text, return_dict=False)[0]


class VaeEncoder(torch.nn.Module):
    """diffusers AutoencoderKL -> latent mean (unscaled)."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, images):
        return self.vae.encode(images).latent_dist.mean


class VaeDecoder(torch.nn.Module):
    """diffusers AutoencoderKL -> images in [-1, 1] from unscaled latents."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latents):
        return self.vae.decode(latents, return_dict=False)[0]


WRAPPERS = {"text_encoder.pt": TextEncoder, "unet.pt": Unet, "vae_encoder.pt": VaeEncoder, "vae_decoder.pt": VaeDecoder}

for _file, _cls in WRAPPERS.items():
    _names = list(inspect.signature(_cls.forward).parameters)[1:]
    _want = [i["name"] for i in SPEC[_file]["inputs"]]
    assert _names == _want, f"{_cls.__name__}.forward takes {_names}, module-signatures.json says {_want} for {_file}"


def example_inputs(file, sizes, batch):
    """Inputs of the spec's shapes and dtypes for `sizes` (L, D, C, h, S) and batch B."""
    dims = dict(sizes, B=batch)
    out = []
    for i in SPEC[file]["inputs"]:
        shape = [int(s) if s.isdigit() else dims[s] for s in i["shape"]]
        dtype = DTYPES[i["dtype"]]
        if dtype == torch.int64:
            out.append(torch.full(shape, 1 if i["name"] == "input_ids" else 500, dtype=dtype))
        elif i["name"] == "images":
            out.append(torch.rand(shape) * 2 - 1)
        else:
            out.append(torch.randn(shape))
    return tuple(out)


def check(module, file, sizes):
    """Runs a (traced) module at two batch sizes and asserts its output matches the spec."""
    spec = SPEC[file]["output"]
    for batch in (1, 3) if "B" in str(SPEC[file]["inputs"]) else (1,):
        with torch.no_grad():
            y = module(*example_inputs(file, sizes, batch))
        dims = dict(sizes, B=batch)
        want = [int(s) if s.isdigit() else dims[s] for s in spec["shape"]]
        assert list(y.shape) == want, f"{file}: output {list(y.shape)} at batch {batch}, the contract says {want}"
        assert y.dtype == DTYPES[spec["dtype"]], f"{file}: output dtype {y.dtype}, the contract says {spec['dtype']}"


def export(text_encoder, unet, vae, out, sizes, model_json, tokenizer_json_writer):
    """Traces the four wrapped modules, checks them against the contract and writes the folder.

    sizes: {"L": text length, "D": text width, "C": latent channels, "h": latent side, "S": image side}
    """
    os.makedirs(out, exist_ok=True)
    with torch.no_grad():
        traced = {
            "text_encoder.pt": torch.jit.trace(TextEncoder(text_encoder).eval(), example_inputs("text_encoder.pt", sizes, 1)),
            "unet.pt": torch.jit.trace(Unet(unet).eval(), example_inputs("unet.pt", sizes, 2)),
            "vae_decoder.pt": torch.jit.trace(VaeDecoder(vae).eval(), example_inputs("vae_decoder.pt", sizes, 1)),
        }
    # the encoder is traced with autograd available: SDS back-propagates through it to the rendered pixels
    traced["vae_encoder.pt"] = torch.jit.trace(VaeEncoder(vae).eval(), example_inputs("vae_encoder.pt", sizes, 1))
    for file, module in traced.items():
        check(module, file, sizes)
        module.save(os.path.join(out, file))
    tokenizer_json_writer(os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(model_json, f, indent=2)
