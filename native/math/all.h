// native/math/all.h -- every math function (include after defining AK_ISA_<X>).
// Functions (templates over Vf / Vd, in ak::AK_ISA_NS):
//   exp_ exp_dd_ expm1_ rbf_ log_ log1p_ sigmoid_ sigmoid_dd_ sigmoid_grad_ swish_ gelu_tanh_
//   tanh_ tanh_grad_
//   softplus_ mish_ erf_ erfc_ gelu_
#ifndef AK_MATH_ALL_H_
#define AK_MATH_ALL_H_
#include "exp.h"
#include "log.h"
#include "sigmoid.h"
#include "tanh.h"
#include "softplus.h"
#include "erf.h"
#include "gelu.h"
#endif
