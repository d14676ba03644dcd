#!/usr/bin/env python3
"""Keypoint noise of a COLMAP text model against ground-truth cameras (numpy only, no forge3d code).

Each 3D point's track is triangulated again from its 2D observations with the GROUND-TRUTH cameras (linear
DLT); the reprojection residuals then measure how well the tool localised and associated its keypoints,
apart from its own poses. Also prints point, observation and track-length counts.
Usage: track_noise.py MODEL_TXT_DIR GT_COLMAP_TXT_DIR   (GT: one PINHOLE or SIMPLE_PINHOLE camera)
"""
import sys

import numpy as np


def read_cams(p):
    cams={}
    for l in open(p+'/cameras.txt'):
        if l.startswith('#') or not l.strip(): continue
        t=l.split(); cams[int(t[0])]=(t[1],list(map(float,t[4:])))
    return cams
def read_images(p, with_pts=True):
    ims={}; L=[l for l in open(p+'/images.txt') if not l.startswith('#')]
    i=0
    while i < len(L):
        if not L[i].strip(): i+=1; continue
        t=L[i].split(); q=np.array(list(map(float,t[1:5]))); tr=np.array(list(map(float,t[5:8])))
        pts=L[i+1].split() if i+1<len(L) else []
        ims[t[9]]=dict(id=int(t[0]),q=q,t=tr,cam=int(t[8]),pts=np.array(list(map(float,pts))).reshape(-1,3) if pts else np.zeros((0,3)))
        i+=2
    return ims
def R(q):
    w,x,y,z=q/np.linalg.norm(q)
    return np.array([[1-2*(y*y+z*z),2*(x*y-w*z),2*(x*z+w*y)],[2*(x*y+w*z),1-2*(x*x+z*z),2*(y*z-w*x)],[2*(x*z-w*y),2*(y*z+w*x),1-2*(x*x+y*y)]])
model, gt = sys.argv[1], sys.argv[2]
cams=read_cams(model); ims=read_images(model)
gcams=read_cams(gt); gims=read_images(gt)
fx,fy,cx,cy=gcams[1][1][:4] if gcams[1][0]=='PINHOLE' else (gcams[1][1][0],gcams[1][1][0],gcams[1][1][1],gcams[1][1][2])
K=np.array([[fx,0,cx],[0,fy,cy],[0,0,1]])
P={n:K@np.hstack([R(g['q']),g['t'][:,None]]) for n,g in gims.items()}
# tracks: point3D id -> list of (name, x, y)
tracks={}
for n,im in ims.items():
    for x,y,pid in im['pts']:
        if pid<0: continue
        tracks.setdefault(int(pid),[]).append((n,x,y))
# model camera intrinsics (to undo k1 if any) - report them
res=[]; lens=[]
for pid,obs in tracks.items():
    obs=[o for o in obs if o[0] in P]
    if len(obs)<2: continue
    A=[]
    for n,x,y in obs:
        Pm=P[n]; A.append(x*Pm[2]-Pm[0]); A.append(y*Pm[2]-Pm[1])
    _,_,vt=np.linalg.svd(np.array(A)); X=vt[-1]; X=X/X[3]
    lens.append(len(obs))
    for n,x,y in obs:
        p=P[n]@X; res.append(np.hypot(p[0]/p[2]-x,p[1]/p[2]-y))
res=np.array(res); lens=np.array(lens)
print(f'points {len(lens)} obs {len(res)} mean track {lens.mean():.2f} median track {np.median(lens)}')
print(f'residual vs GT cameras: median {np.median(res):.3f}px mean {res.mean():.3f} p90 {np.percentile(res,90):.3f} share>1px {(res>1).mean():.3f} share>2px {(res>2).mean():.3f}')
