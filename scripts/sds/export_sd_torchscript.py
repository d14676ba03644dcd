#!/usr/bin/env python3
"""Export a Stable Diffusion-class model (SD 1.5, SD 2.1-base, SD-Turbo) to the TorchScript folder forge3d loads
with `--prior DIR` (dev.forge3d.runtime.sds.torchscript.TorchScriptDiffusionPrior).

Run it where torch and diffusers are installed and the weights can be downloaded (not on a forge3d worker):

    pip install torch diffusers transformers
    python scripts/sds/export_sd_torchscript.py --model runwayml/stable-diffusion-v1-5 --out /models/sd15
    # SD-Turbo (512 px, CLIP ViT-H text encoder, 1024-d):
    python scripts/sds/export_sd_torchscript.py --model stabilityai/sd-turbo --out /models/sd-turbo --guidance 7.5

It writes text_encoder.pt, unet.pt, vae_encoder.pt, vae_decoder.pt (TorchScript, CPU, float32), tokenizer.json and
model.json. The module signatures are the contract with the Java loader:
    text_encoder(input_ids[1, 77] int64)                       -> hidden states [1, 77, D]
    unet(latents[B, 4, h, w] f32, t[B] int64, text[B, 77, D])  -> predicted noise [B, 4, h, w]
    vae_encoder(images[B, 3, S, S] f32 in [-1, 1])             -> latent mean [B, 4, h, w] (unscaled)
    vae_decoder(latents[B, 4, h, w] f32, unscaled)             -> images [B, 3, S, S] in [-1, 1]
"""
import argparse
import json
import os

import torch
from diffusers import StableDiffusionPipeline


class TextEncoder(torch.nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, ids):
        return self.enc(ids)[0]


class Unet(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, latents, t, text):
        return self.unet(latents, t, encoder_hidden_states=text, return_dict=False)[0]


class VaeEncoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, images):
        return self.vae.encode(images).latent_dist.mean


class VaeDecoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latents):
        return self.vae.decode(latents, return_dict=False)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="diffusers model id or local folder")
    ap.add_argument("--out", required=True)
    ap.add_argument("--guidance", type=float, default=100.0, help="SDS guidance scale stored in model.json")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    pipe = StableDiffusionPipeline.from_pretrained(a.model, torch_dtype=torch.float32).to("cpu")
    size = pipe.unet.config.sample_size * pipe.vae_scale_factor
    latent = pipe.unet.config.sample_size
    text_len = pipe.tokenizer.model_max_length
    dim = pipe.text_encoder.config.hidden_size
    with torch.no_grad():
        ids = torch.zeros(1, text_len, dtype=torch.long)
        torch.jit.trace(TextEncoder(pipe.text_encoder).eval(), ids).save(os.path.join(a.out, "text_encoder.pt"))
        lat = torch.randn(2, 4, latent, latent)
        t = torch.tensor([500, 500], dtype=torch.long)
        txt = torch.randn(2, text_len, dim)
        torch.jit.trace(Unet(pipe.unet).eval(), (lat, t, txt)).save(os.path.join(a.out, "unet.pt"))
        torch.jit.trace(VaeDecoder(pipe.vae).eval(), lat[:1]).save(os.path.join(a.out, "vae_decoder.pt"))
    # the encoder is traced with autograd available: SDS back-propagates through it to the rendered pixels
    img = torch.rand(1, 3, size, size) * 2 - 1
    torch.jit.trace(VaeEncoder(pipe.vae).eval(), img).save(os.path.join(a.out, "vae_encoder.pt"))
    # a HuggingFace fast tokenizer file for DJL's tokenizers
    from transformers import CLIPTokenizerFast
    CLIPTokenizerFast.from_pretrained(a.model, subfolder="tokenizer").backend_tokenizer.save(os.path.join(a.out, "tokenizer.json"))
    sched = pipe.scheduler.config
    with open(os.path.join(a.out, "model.json"), "w") as f:
        json.dump({
            "imageSize": size, "latentSize": latent, "latentChannels": 4,
            "latentScale": pipe.vae.config.scaling_factor, "textLength": text_len,
            "steps": sched.num_train_timesteps, "betaStart": sched.beta_start, "betaEnd": sched.beta_end,
            "schedule": sched.beta_schedule, "guidance": a.guidance, "source": a.model,
        }, f, indent=2)
    print("exported", a.model, "to", a.out)


if __name__ == "__main__":
    main()
