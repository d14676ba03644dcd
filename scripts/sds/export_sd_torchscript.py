#!/usr/bin/env python3
"""Export a Stable Diffusion-class model (SD 1.5, SD 2.1-base, SD-Turbo) to the TorchScript folder forge3d loads
with `--prior DIR` (dev.forge3d.runtime.sds.torchscript.TorchScriptDiffusionPrior).

Run it where torch and diffusers are installed and the weights can be downloaded (not on a forge3d worker):

    pip install torch diffusers transformers
    python scripts/sds/export_sd_torchscript.py --model runwayml/stable-diffusion-v1-5 --out /models/sd15
    # SD-Turbo (512 px, CLIP ViT-H text encoder, 1024-d):
    python scripts/sds/export_sd_torchscript.py --model stabilityai/sd-turbo --out /models/sd-turbo --guidance 7.5

It writes text_encoder.pt, unet.pt, vae_encoder.pt, vae_decoder.pt (TorchScript, CPU, float32), tokenizer.json and
model.json. The module wrappers, the tracing and the signature check are sd_contract.py's, shared with the miniature
test fixture (make_tiny_sd.py); the signatures are declared once, in
gpu-runtime/src/main/resources/dev/forge3d/runtime/sds/torchscript/module-signatures.json, which the Java loader probes
every module against:
    text_encoder(input_ids[1, 77] int64)                       -> hidden states [1, 77, D]
    unet(latents[B, 4, h, w] f32, t[B] int64, text[B, 77, D])  -> predicted noise [B, 4, h, w]
    vae_encoder(images[B, 3, S, S] f32 in [-1, 1])             -> latent mean [B, 4, h, w] (unscaled)
    vae_decoder(latents[B, 4, h, w] f32, unscaled)             -> images [B, 3, S, S] in [-1, 1]
"""
import argparse
import os
import sys

import torch
from diffusers import StableDiffusionPipeline

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sd_contract  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="diffusers model id or local folder")
    ap.add_argument("--out", required=True)
    ap.add_argument("--guidance", type=float, default=100.0, help="SDS guidance scale stored in model.json")
    a = ap.parse_args()
    pipe = StableDiffusionPipeline.from_pretrained(a.model, torch_dtype=torch.float32).to("cpu")
    latent = pipe.unet.config.sample_size
    size = latent * pipe.vae_scale_factor
    text_len = pipe.tokenizer.model_max_length
    sizes = {"L": text_len, "D": pipe.text_encoder.config.hidden_size, "C": pipe.unet.config.in_channels, "h": latent, "S": size}
    sched = pipe.scheduler.config
    model_json = {
        "imageSize": size, "latentSize": latent, "latentChannels": sizes["C"],
        "latentScale": pipe.vae.config.scaling_factor, "textLength": text_len,
        "steps": sched.num_train_timesteps, "betaStart": sched.beta_start, "betaEnd": sched.beta_end,
        "schedule": sched.beta_schedule, "guidance": a.guidance, "source": a.model,
    }

    def write_tokenizer(path):
        # a HuggingFace fast tokenizer file for DJL's tokenizers
        from transformers import CLIPTokenizerFast
        CLIPTokenizerFast.from_pretrained(a.model, subfolder="tokenizer").backend_tokenizer.save(path)

    sd_contract.export(pipe.text_encoder, pipe.unet, pipe.vae, a.out, sizes, model_json, write_tokenizer)
    print("exported", a.model, "to", a.out)


if __name__ == "__main__":
    main()
