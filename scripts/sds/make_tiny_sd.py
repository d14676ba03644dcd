#!/usr/bin/env python3
"""Builds the miniature Stable-Diffusion-shaped fixture the tests run through the real TorchScript prior.

Tiny random-weight stand-ins with the call conventions of diffusers' CLIPTextModel, UNet2DConditionModel and
AutoencoderKL are exported by sd_contract.export, the same code export_sd_torchscript.py runs on real weights, so
the fixture has exactly the real folder's module signatures (checked against module-signatures.json on export and
again by the Java loader). Sizes: 77 tokens, 32-d text, 4 latent channels, 4x4 latents, 32x32 images (the 8x VAE
factor of Stable Diffusion). Also writes a deliberately broken UNet (forward(latents, text): no timestep) that the
tests expect to be refused with a message naming unet.pt.

    apt-get install -y python3-torch   # Debian's torch is enough
    /usr/bin/python3 scripts/sds/make_tiny_sd.py            # writes scripts/sds/tiny-sd and scripts/sds/tiny-sd-broken-unet

Deterministic for the seed (torch.manual_seed); the committed files were made with Debian's python3-torch 1.13.1.
"""
import argparse
import json
import math
import os
import sys
import types

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sd_contract  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {"L": 77, "D": 32, "C": 4, "h": 4, "S": 32}
WORDS = ["a", "an", "the", "of", "and", "with", "on", "in", "3d", "model", "render", "object", "view", "front", "side",
         "back", ",", ".", "red", "green", "blue", "yellow", "white", "black", "orange", "purple", "grey", "cube",
         "sphere", "ball", "box", "cylinder", "cone", "torus", "donut", "chair", "table", "car", "tree", "house",
         "cat", "dog", "cup", "lamp", "small", "large", "wooden", "metal", "shiny", "old"]


class TinyClipText(nn.Module):
    """transformers CLIPTextModel's call convention: ids -> (last_hidden_state, ...)."""

    def __init__(self, vocab, length, dim):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(length, dim) * 0.02)
        self.norm = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, dim))

    def forward(self, ids):
        h = self.tok(ids) + self.pos
        return (self.norm(h + self.mlp(h)),)


class TinyVae(nn.Module):
    """diffusers AutoencoderKL's call conventions: encode(x).latent_dist.mean, decode(z, return_dict=False)[0]; 8x."""

    def __init__(self, channels):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.SiLU(), nn.Conv2d(8, 16, 3, 2, 1), nn.SiLU(),
                                 nn.Conv2d(16, 16, 3, 2, 1), nn.SiLU(), nn.Conv2d(16, 2 * channels, 1))
        self.dec = nn.Sequential(nn.Conv2d(channels, 16, 3, 1, 1), nn.SiLU(), nn.Upsample(scale_factor=2.0), nn.Conv2d(16, 16, 3, 1, 1),
                                 nn.SiLU(), nn.Upsample(scale_factor=2.0), nn.Conv2d(16, 8, 3, 1, 1), nn.SiLU(),
                                 nn.Upsample(scale_factor=2.0), nn.Conv2d(8, 3, 3, 1, 1), nn.Tanh())
        self.channels = channels

    def encode(self, x):
        mean, _logvar = self.enc(x).chunk(2, dim=1)
        return types.SimpleNamespace(latent_dist=types.SimpleNamespace(mean=mean))

    def decode(self, z, return_dict=True):
        return (self.dec(z),)


class TinyUnet(nn.Module):
    """diffusers UNet2DConditionModel's call convention: unet(latents, t, encoder_hidden_states=..., return_dict=False)[0].
    One conv block with a sinusoidal timestep embedding and one cross-attention over the text tokens."""

    def __init__(self, channels, dim, width=16):
        super().__init__()
        self.width = width
        self.conv_in = nn.Conv2d(channels, width, 3, 1, 1)
        self.time = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width))
        self.q = nn.Conv2d(width, width, 1)
        self.k = nn.Linear(dim, width)
        self.v = nn.Linear(dim, width)
        self.mid = nn.Conv2d(width, width, 3, 1, 1)
        self.conv_out = nn.Conv2d(width, channels, 3, 1, 1)

    def forward(self, latents, t, encoder_hidden_states=None, return_dict=True):
        half = self.width // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        angles = t.float()[:, None] * freqs[None, :]
        temb = self.time(torch.cat([angles.sin(), angles.cos()], dim=1))
        h = self.conv_in(latents) + temb[:, :, None, None]
        q = self.q(h).flatten(2).transpose(1, 2)                           # B, hw, width
        k = self.k(encoder_hidden_states)                                   # B, L, width
        v = self.v(encoder_hidden_states)
        attn = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.width), dim=-1) @ v
        h = h + attn.transpose(1, 2).reshape(h.shape)
        h = h + self.mid(nn.functional.silu(h))
        return (self.conv_out(nn.functional.silu(h)),)


class BrokenUnet(nn.Module):
    """A UNet exported with the wrong signature: no timestep input."""

    def __init__(self, channels, dim):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, 1, 1)
        self.k = nn.Linear(dim, channels)

    def forward(self, latents, text):
        return self.conv(latents) + self.k(text).mean(dim=1)[:, :, None, None]


def tokenizer_json(path):
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1, "[UNK]": 2}
    for w in WORDS:
        vocab.setdefault(w, len(vocab))
    eos = vocab["<|endoftext|>"]
    tok = {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": SIZES["L"], "strategy": "LongestFirst", "stride": 0},
        "padding": {"strategy": {"Fixed": SIZES["L"]}, "direction": "Right", "pad_to_multiple_of": None,
                    "pad_id": eos, "pad_type_id": 0, "pad_token": "<|endoftext|>"},
        "added_tokens": [
            {"id": 0, "content": "<|startoftext|>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True},
            {"id": 1, "content": "<|endoftext|>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True}],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<|startoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "<|startoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}],
                           "special_tokens": {"<|startoftext|>": {"id": "<|startoftext|>", "ids": [0], "tokens": ["<|startoftext|>"]},
                                              "<|endoftext|>": {"id": "<|endoftext|>", "ids": [1], "tokens": ["<|endoftext|>"]}}},
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }
    with open(path, "w") as f:
        json.dump(tok, f, indent=1)
    return len(vocab)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "tiny-sd"))
    ap.add_argument("--broken-out", default=os.path.join(HERE, "tiny-sd-broken-unet"))
    ap.add_argument("--seed", type=int, default=19)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    vocab = len(WORDS) + 3
    text = TinyClipText(vocab, SIZES["L"], SIZES["D"])
    unet = TinyUnet(SIZES["C"], SIZES["D"])
    vae = TinyVae(SIZES["C"])
    model_json = {
        "imageSize": SIZES["S"], "latentSize": SIZES["h"], "latentChannels": SIZES["C"], "latentScale": 0.18215,
        "textLength": SIZES["L"], "steps": 1000, "betaStart": 0.00085, "betaEnd": 0.012, "schedule": "scaled_linear",
        "guidance": 7.5, "source": "scripts/sds/make_tiny_sd.py --seed %d (random weights: a test fixture, not a model)" % a.seed,
        "torch": torch.__version__,
    }
    sd_contract.export(text, unet, vae, a.out, SIZES, model_json, tokenizer_json)
    os.makedirs(a.broken_out, exist_ok=True)
    with torch.no_grad():
        broken = torch.jit.trace(BrokenUnet(SIZES["C"], SIZES["D"]).eval(),
                                 (torch.randn(2, SIZES["C"], SIZES["h"], SIZES["h"]), torch.randn(2, SIZES["L"], SIZES["D"])))
    broken.save(os.path.join(a.broken_out, "unet.pt"))
    print("wrote", a.out, "and", a.broken_out)


if __name__ == "__main__":
    main()
