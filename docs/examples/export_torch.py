"""Export a PyTorch nn.Sequential to an eosflip model file (docs/model-format.md).

Usage: python export_torch.py [OUT_DIR]   (needs torch and safetensors; writes
OUT_DIR/model.json with theta inline, OUT_DIR/model.safetensors with the state_dict and
OUT_DIR/model_st.json, the same model reading theta from the safetensors file).
"""
import json, os, sys

import torch
from torch import nn
from safetensors.torch import save_file

out = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out, exist_ok=True)

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1)).double()
x, y = [[0.1, 0.3], [0.2, -0.9], [-0.4, 0.5]], [0.06, 1.34, -0.49]
save_file(model.state_dict(), os.path.join(out, "model.safetensors"))
theta = torch.cat([p.detach().flatten() for p in model.parameters()]).tolist()
spec = {"format": "eosflip-model/1", "widths": [2, 8, 1], "activation": "tanh", "loss": "mse",
        "weight_decay": 0.0, "x": x, "y": y}
with open(os.path.join(out, "model.json"), "w") as f:
    json.dump({**spec, "theta": theta}, f, indent=1)
with open(os.path.join(out, "model_st.json"), "w") as f:
    json.dump({**spec, "theta_safetensors": "model.safetensors"}, f, indent=1)
print(f"wrote {out}/model.json, {out}/model.safetensors, {out}/model_st.json ({len(theta)} parameters)")
