// Fused Adam step (torch.optim.Adam semantics: bias-corrected, eps outside the square root) over one parameter
// group held on the device: reads the gradient, updates both moments and the parameter in one pass, and clears the
// gradient for the next iteration. stepSize = lr / (1 - beta1^t), sqrtBc2 = sqrt(1 - beta2^t).
#include "common.cuh"

extern "C" __global__ void adam_step(float* param, float* grad, float* m1, float* m2, int count,
                                     float stepSize, float sqrtBc2, float eps, float beta1, float beta2) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= count) return;
    float g = grad[i];
    float m = beta1 * m1[i] + (1.f - beta1) * g;
    float v = beta2 * m2[i] + (1.f - beta2) * g * g;
    m1[i] = m;
    m2[i] = v;
    param[i] -= stepSize * m / (sqrtf(v) / sqrtBc2 + eps);
    grad[i] = 0.f;
}
