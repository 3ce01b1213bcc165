// native/math/gelu.h -- gelu_(x) = x Phi(x), the exact-erf GELU.
#ifndef AK_MATH_GELU_H_
#define AK_MATH_GELU_H_

#include "exp.h"
#include "table.h"

namespace ak {
namespace AK_ISA_NS {
namespace mathd {
// K(z) = z e^{z^2/2} Phi(-z) on [0, 15), read by slot_poly with u = z + 1 (table.h;
// gen/gelu_coeffs.py f|d).
template <class T> struct GeluTable;
template <> struct GeluTable<float> {
  // max relative error of the fits (float coefficients): 0.671 x 2^-24
  static constexpr float kZ0[32] = {
      0x1p+0f, 0x1.4p+0f, 0x1.8p+0f, 0x1.cp+0f, 0x1p+1f, 0x1.2p+1f,
      0x1.4p+1f, 0x1.6p+1f, 0x1.8p+1f, 0x1.cp+1f, 0x1p+2f, 0x1.2p+2f,
      0x1.4p+2f, 0x1.6p+2f, 0x1.8p+2f, 0x1.ap+2f, 0x1.cp+2f, 0x1p+3f,
      0x1.2p+3f, 0x1.4p+3f, 0x1.6p+3f, 0x1.8p+3f, 0x1.ap+3f, 0x1.cp+3f,
      0x0p+0f, 0x1p-3f, 0x1p-2f, 0x1.8p-2f, 0x1p-1f, 0x1.4p-1f,
      0x1.8p-1f, 0x1.cp-1f};
  static constexpr float kC[6][32] = {
      {
          0x1.0bdb2ep-2f, 0x1.275f8ap-2f, 0x1.3c144p-2f, 0x1.4bef66p-2f, 0x1.5845dcp-2f, 0x1.62039ap-2f,
          0x1.69cee6p-2f, 0x1.701efp-2f, 0x1.754a76p-2f, 0x1.7d241ap-2f, 0x1.82b4bcp-2f, 0x1.86c626p-2f,
          0x1.89d3acp-2f, 0x1.8c2b88p-2f, 0x1.8e010ep-2f, 0x1.8f76dep-2f, 0x1.90a4fcp-2f, 0x1.926972p-2f,
          0x1.93a64ep-2f, 0x1.948c6ep-2f, 0x1.95389ep-2f, 0x1.95bcb4p-2f, 0x1.96242ep-2f, 0x1.9676b8p-2f,
          0x0p+0f, 0x1.d0af2cp-5f, 0x1.a7f808p-4f, 0x1.238944p-3f, 0x1.66027ap-3f, 0x1.9de55ap-3f,
          0x1.cd2836p-3f, 0x1.f5595p-3f},
      {
          0x1.fcc82p-4f, 0x1.7b7bd4p-4f, 0x1.2040b6p-4f, 0x1.bd438ap-5f, 0x1.5d338ep-5f, 0x1.15a8cap-5f,
          0x1.bf4154p-6f, 0x1.6c5f56p-6f, 0x1.2c040cp-6f, 0x1.a2a506p-7f, 0x1.2dd54cp-7f, 0x1.bfcd4ap-8f,
          0x1.542824p-8f, 0x1.07efe4p-8f, 0x1.a0cc66p-9f, 0x1.4ec09cp-9f, 0x1.107394p-9f, 0x1.762d7p-10f,
          0x1.0b8ab6p-10f, 0x1.8ad242p-11f, 0x1.2b83c6p-11f, 0x1.d0c518p-12f, 0x1.6fcfcap-12f, 0x1.27beacp-12f,
          0x1p-1f, 0x1.a4e14cp-2f, 0x1.5c567cp-2f, 0x1.222f7p-2f, 0x1.e682fap-3f, 0x1.9a44f4p-3f,
          0x1.5bf6eep-3f, 0x1.28bda4p-3f},
      {
          -0x1.343ee8p-4f, -0x1.af37c4p-5f, -0x1.33398cp-5f, -0x1.bd93p-6f, -0x1.4a41ep-6f, -0x1.edea5cp-7f,
          -0x1.7a3756p-7f, -0x1.22e368p-7f, -0x1.c5416cp-8f, -0x1.1f7efcp-8f, -0x1.77fea2p-9f, -0x1.0233dap-9f,
          -0x1.66795cp-10f, -0x1.047b86p-10f, -0x1.74303cp-11f, -0x1.2240a8p-11f, -0x1.b5ca86p-12f, -0x1.09edd8p-12f,
          -0x1.5a9bep-13f, -0x1.c1da54p-14f, -0x1.38048ep-14f, -0x1.b989eap-15f, -0x1.49560ap-15f, -0x1.e032fap-16f,
          -0x1.988438p-2f, -0x1.441c4ep-2f, -0x1.02fd5ap-2f, -0x1.a0ce1ap-3f, -0x1.51a0ccp-3f, -0x1.12c5b6p-3f,
          -0x1.c25a98p-4f, -0x1.732e5ep-4f},
      {
          0x1.2efddp-5f, 0x1.976ddcp-6f, 0x1.0f1a02p-6f, 0x1.689f18p-7f, 0x1.107214p-7f, 0x1.6417c2p-8f,
          0x1.2868fep-8f, 0x1.90111ap-9f, 0x1.19ea22p-9f, 0x1.5ac85cp-10f, 0x1.8190a6p-11f, 0x1.203da4p-11f,
          0x1.3e4eap-12f, 0x1.091e56p-12f, 0x1.4f6f1ep-14f, 0x1.3d4f78p-13f, 0x1.4d5c64p-14f, 0x1.57ca5cp-15f,
          0x1.eb819ep-16f, 0x1.553b74p-17f, 0x1.9e7376p-18f, 0x1.6868ecp-19f, 0x1.b13b16p-19f, 0x1.99e8cap-22f,
          0x1.ffef6ap-3f, 0x1.893b4p-3f, 0x1.3172p-3f, 0x1.e0ece8p-4f, 0x1.7e9c18p-4f, 0x1.21ea1cp-4f,
          0x1.c6d4c4p-5f, 0x1.64c1b6p-5f},
      {
          -0x1.fc2ac6p-7f, -0x1.79466p-7f, -0x1.b4ea62p-8f, -0x1.8a1cdp-9f, -0x1.182f4ap-8f, -0x1.26e3bcp-10f,
          -0x1.87224cp-9f, -0x1.29f3eap-10f, -0x1.004e7ap-11f, -0x1.b02f1p-12f, -0x1.ed4bbcp-14f, -0x1.e9a47ap-13f,
          -0x1.8a716ep-15f, -0x1.01d2eep-13f, 0x1.88a17ep-14f, -0x1.d78ap-14f, -0x1.2ffc3p-16f, -0x1.dd052ap-18f,
          -0x1.30510cp-17f, 0x1.f37bap-20f, 0x1.9c8436p-20f, 0x1.3d5efcp-19f, 0x1.509776p-22f, 0x1.0c7606p-19f,
          -0x1.0ec3d6p-3f, -0x1.8c45fcp-4f, -0x1.36a2e6p-4f, -0x1.0c4adap-4f, -0x1.e436c4p-5f, -0x1.73ac1ap-6f,
          -0x1.764b78p-7f, -0x1.eb6ddcp-10f},
      {
          0x1.38d92p-8f, 0x1.5660f8p-8f, 0x1.346f28p-9f, -0x1.1d1b2cp-12f, 0x1.69d62p-9f, -0x1.eaaa64p-12f,
          0x1.4ed384p-9f, 0x1.163464p-11f, 0x1.39d3c4p-15f, 0x1.e713d8p-14f, -0x1.647b26p-17f, 0x1.a78cecp-14f,
          -0x1.3e0e72p-20f, 0x1.f98f4ep-15f, -0x1.38be6ep-14f, 0x1.0fc52cp-14f, 0x1.d6156ep-19f, 0x1.24ea12p-20f,
          0x1.349c56p-19f, -0x1.0ad55ap-20f, -0x1.89df66p-21f, -0x1.ecd16p-21f, -0x1.a2b686p-23f, -0x1.80a778p-21f,
          0x1.c26d2ep-5f, 0x1.1a6e78p-5f, 0x1.1096c2p-5f, 0x1.73a3ecp-5f, 0x1.d87e18p-5f, -0x1.f7e4eap-7f,
          -0x1.cc137cp-6f, -0x1.4af0e2p-5f},
  };
};
template <> struct GeluTable<double> {
  // max relative error of the fits (double coefficients): 0.711 x 2^-53
  static constexpr double kZ0[32] = {
      0x1p+0, 0x1.4p+0, 0x1.8p+0, 0x1.cp+0,
      0x1p+1, 0x1.2p+1, 0x1.4p+1, 0x1.6p+1,
      0x1.8p+1, 0x1.cp+1, 0x1p+2, 0x1.2p+2,
      0x1.4p+2, 0x1.6p+2, 0x1.8p+2, 0x1.ap+2,
      0x1.cp+2, 0x1p+3, 0x1.2p+3, 0x1.4p+3,
      0x1.6p+3, 0x1.8p+3, 0x1.ap+3, 0x1.cp+3,
      0x0p+0, 0x1p-3, 0x1p-2, 0x1.8p-2,
      0x1p-1, 0x1.4p-1, 0x1.8p-1, 0x1.cp-1};
  static constexpr double kC[12][32] = {
      {
          0x1.0bdb2e039df32p-2, 0x1.275f8ac61c57p-2, 0x1.3c144030e6e09p-2, 0x1.4bef6589d6338p-2,
          0x1.5845dcad2a54ep-2, 0x1.620399afd26bp-2, 0x1.69cee6bdcc0e7p-2, 0x1.701ef01b26ab7p-2,
          0x1.754a751a56f4ap-2, 0x1.7d241a953a614p-2, 0x1.82b4bb8c94dcep-2, 0x1.86c626e278bb3p-2,
          0x1.89d3abe1f95aep-2, 0x1.8c2b8893b5c8dp-2, 0x1.8e010d2b8a0eap-2, 0x1.8f76deaa00d12p-2,
          0x1.90a4fcc7f781p-2, 0x1.9269722f50cddp-2, 0x1.93a64eb0f8de1p-2, 0x1.948c6d9d8a897p-2,
          0x1.95389db999655p-2, 0x1.95bcb3ac5ca5bp-2, 0x1.96242decd0fd9p-2, 0x1.9676b7c04b277p-2,
          0x0p+0, 0x1.d0af2b9f3f96ep-5, 0x1.a7f808169e57p-4, 0x1.2389447157332p-3,
          0x1.66027ad4c24afp-3, 0x1.9de5596ff7d78p-3, 0x1.cd283539af939p-3, 0x1.f5594f03ec29ap-3},
      {
          0x1.fcc82327e1f1p-4, 0x1.7b79d1bfca91ap-4, 0x1.204038e2e7516p-4, 0x1.bd45f4ef47be8p-5,
          0x1.5d3009b318c4dp-5, 0x1.15aa6bd4888f9p-5, 0x1.bf399da0d9dfap-6, 0x1.6c5e3c927bfap-6,
          0x1.2c08ca0024ff6p-6, 0x1.a29f04f4ff788p-7, 0x1.2dda040d6269fp-7, 0x1.bfbaed8d5f83p-8,
          0x1.542a992fea85cp-8, 0x1.07e3e93700a26p-8, 0x1.a0eee3ca24ecp-9, 0x1.4ea50718ed226p-9,
          0x1.106373beea8e2p-9, 0x1.7625d6555c92fp-10, 0x1.0b6e08995e03cp-10, 0x1.8af23eaa8d465p-11,
          0x1.2b9aa2972bdcbp-11, 0x1.d0fb6385ad9d4p-12, 0x1.6fdc4065c2c21p-12, 0x1.27e80535b03bfp-12,
          0x1p-1, 0x1.a4e15de6142aep-2, 0x1.5c5673c8b7682p-2, 0x1.222f238abb642p-2,
          0x1.e681dfd6a25d3p-3, 0x1.9a45b22626659p-3, 0x1.5bf7f206f36p-3, 0x1.28beedc5d8ee7p-3},
      {
          -0x1.344083529ed48p-4, -0x1.aecdfd8974587p-5, -0x1.3320430e9604ap-5, -0x1.be146e93cd7e9p-6,
          -0x1.4987559ba56bfp-6, -0x1.ee984c71705b3p-7, -0x1.789d85dc35dc1p-7, -0x1.22a93db04e406p-7,
          -0x1.c642ccba05edap-8, -0x1.1ee198a8bde58p-8, -0x1.78fbb7ebefd08p-9, -0x1.004d0068cbf96p-9,
          -0x1.66fd5f6a8d4edp-10, -0x1.01ffa4306fa8ep-10, -0x1.7b5975f6968c6p-11, -0x1.1c87ca42cf287p-11,
          -0x1.b2792c4d8ac76p-12, -0x1.0926d2736d0e8p-12, -0x1.54ab2cc5d1f57p-13, -0x1.c88030e7bd0d4p-14,
          -0x1.3cc448a1a43dap-14, -0x1.c4cf73c89760ep-15, -0x1.4becf9a3a643dp-15, -0x1.f15cf68930f32p-16,
          -0x1.9884533d43651p-2, -0x1.442057eafb8e3p-2, -0x1.02fb82be87dc6p-2, -0x1.a0adb4b537eaap-3,
          -0x1.5165b3b0200b1p-3, -0x1.12ed855ea1b78p-3, -0x1.c2c6ecfc7cdcbp-4, -0x1.73b79ee024e93p-4},
      {
          0x1.2f47cb9ab3fdep-5, 0x1.8ff2a58c23d11p-6, 0x1.0d602eb8df1dap-6, 0x1.721ebe28baf72p-7,
          0x1.0300f69fd2abcp-7, 0x1.70c53c9e69d69p-8, 0x1.0ac206bf0905bp-8, 0x1.87b70ff9ef5fbp-9,
          0x1.239d8e8888315p-9, 0x1.4fb4a0bfc7069p-10, 0x1.943c4b777d4ccp-11, 0x1.fa3b67673f17bp-12,
          0x1.4810f80227cb8p-12, 0x1.b643d5f3f9975p-13, 0x1.2cab6e430b3b6p-13, 0x1.a674158adadf8p-14,
          0x1.2f219e67ba7ecp-14, 0x1.49cbdb8390e3p-15, 0x1.7db4e121c6afp-16, 0x1.d0ed67dcb2b4p-17,
          0x1.2781552df997ap-17, 0x1.857df7df4498cp-18, 0x1.08c63f01d205p-18, 0x1.71c8024100f54p-19,
          0x1.000000000008ap-2, 0x1.89deabe820a93p-3, 0x1.312c88a9acba8p-3, 0x1.dc32d9eb963b8p-4,
          0x1.760aa3f24db8fp-4, 0x1.27b80fe90f98bp-4, 0x1.d68c6d90ee64bp-5, 0x1.78a81436ffdf5p-5},
      {
          -0x1.035cc97ff8fd3p-6, -0x1.4470557a25285p-7, -0x1.9ef06bdc6c685p-8, -0x1.0eeb04c461b9bp-8,
          -0x1.68bc47c5189e4p-9, -0x1.e92fb2d08c6ecp-10, -0x1.5169b30066aa2p-10, -0x1.d8f9ebf52814fp-11,
          -0x1.508421cfb17cdp-11, -0x1.63105101f9e0fp-12, -0x1.89a2a8f4f3672p-13, -0x1.c7d4b85fd3137p-14,
          -0x1.1247d1e89082fp-14, -0x1.558716161d251p-15, -0x1.b65be0ddd91a3p-16, -0x1.210b1edd2b3ep-16,
          -0x1.868b2fa2c8b42p-17, -0x1.7bd3d76ee0cb9p-18, -0x1.8ce12dcd4e44dp-19, -0x1.b822a047410fdp-20,
          -0x1.00937293e71bdp-20, -0x1.38250eb30e326p-21, -0x1.89e4bd454af0bp-22, -0x1.0089c27ac4a9dp-22,
          -0x1.1058377e340acp-3, -0x1.978d34e3af9cfp-4, -0x1.3329c770a1dc6p-4, -0x1.d248bb1c22999p-5,
          -0x1.645a460353a64p-5, -0x1.12288258fc79dp-5, -0x1.a8949237e9bcp-6, -0x1.4ad5f3c644ccbp-6},
      {
          0x1.8f124f6de4896p-8, 0x1.db7520cab32e8p-9, 0x1.21c9649da39dap-9, 0x1.68f6394420948p-10,
          0x1.cad330a1ce5eap-11, 0x1.2947b301e2e09p-11, 0x1.883be2ce05adcp-12, 0x1.072d9d6361508p-12,
          0x1.66d308d6c6844p-13, 0x1.5ca4e05ca0e1ep-14, 0x1.654fd61dbdab4p-15, 0x1.7ff1fc9c6acbdp-16,
          0x1.ae4b2afb3ec4p-17, 0x1.f4aee85ec557ap-18, 0x1.2d4a4288b1a21p-18, 0x1.757efe4b32e9dp-19,
          0x1.dc037b572874ap-20, 0x1.9ef64579a8253p-21, 0x1.8834e58c69db3p-22, 0x1.8cac35efd132dp-23,
          0x1.a8c15046382bdp-24, 0x1.dd5c34c189de7p-25, 0x1.17bed3567c08dp-25, 0x1.544b0b43eeaep-26,
          0x1.00000002db1dp-4, 0x1.757dd715e09c2p-5, 0x1.1274d4379b1e5p-5, 0x1.963ff47ff1771p-6,
          0x1.2ec4f70ec768dp-6, 0x1.c65c1bd828cfep-7, 0x1.572c2a0aaa5e7p-7, 0x1.04dbd80051f84p-7},
      {
          -0x1.19f9e618670cfp-9, -0x1.41047dd1dece5p-10, -0x1.7607a8e645dc7p-11, -0x1.be4adba9d772dp-12,
          -0x1.0ed4d56e5c6e6p-12, -0x1.5140f6e2d9a14p-13, -0x1.abf27ba2e7a9p-14, -0x1.13cad7f17958dp-14,
          -0x1.673f70cc588bap-15, -0x1.42b5503475442p-16, -0x1.32e8af76f27d3p-17, -0x1.3320614875fe1p-18,
          -0x1.415ca9da33209p-19, -0x1.5e30c242164f5p-20, -0x1.8f38eada0519dp-21, -0x1.c8f47ac2ad8c1p-22,
          -0x1.161e59e5160e9p-22, -0x1.b40ad1f83b458p-24, -0x1.744d065aad8aep-25, -0x1.58b87421a0ac8p-26,
          -0x1.552bbe08afb42p-27, -0x1.6002cfa773b96p-28, -0x1.7d9a674cedc95p-29, -0x1.bf7f765570123p-30,
          -0x1.b3c05a11a7763p-6, -0x1.366ef7e8f8ad4p-6, -0x1.bd8b15c8622c5p-7, -0x1.41d2e9abe27e7p-7,
          -0x1.d503e2de935afp-8, -0x1.580f3e0f269bp-8, -0x1.fb7a419b78832p-9, -0x1.7871fd050fac8p-9},
      {
          0x1.73ba1a2d83eecp-11, 0x1.95823c9206889p-12, 0x1.c0e6fa2996375p-13, 0x1.0b331efb265eep-13,
          0x1.1ca853911beb4p-14, 0x1.794598e052374p-15, 0x1.fcfed8fd8ad63p-16, 0x1.46a5a5b70f9p-16,
          0x1.55e0ac19ef3a7p-17, 0x1.1c6fc692dbd2cp-18, 0x1.fad8551a35b99p-20, 0x1.e01ca5a89f838p-21,
          0x1.d5893c3f8625ep-22, 0x1.df16a6495b26ap-23, 0x1.3e9eb6a2ffcabp-23, 0x1.6443e28936368p-25,
          0x1.3a87c44708465p-25, 0x1.c26a6857e1128p-27, 0x1.46c55c140c03p-28, 0x1.229ce040bff5ap-29,
          0x1.29d6bdeb0e858p-30, 0x1.de98509afa39p-32, 0x1.988cf9c9247d6p-33, 0x1.e166749719ceep-33,
          0x1.555580965f7fap-7, 0x1.d8588a1d1b27ep-8, 0x1.477c3f864a6bbp-8, 0x1.b8de3198eeffdp-9,
          0x1.48251abdd37bbp-9, 0x1.e7d6ef6ca877ep-10, 0x1.52cdf0037bc5bp-10, 0x1.c4b351c47468ap-11},
      {
          -0x1.dbdafa99656e9p-13, -0x1.f3df8d339e2d4p-14, -0x1.bc213eaedb7cap-15, -0x1.e248e2cc96b84p-15,
          0x1.082d1c9acd0bep-18, -0x1.7c0919dcce2e9p-16, -0x1.fe45987a5609ap-16, -0x1.7a52a5768ce04p-16,
          -0x1.3e4c84684bca8p-19, -0x1.e2c62ff0d2bb6p-21, -0x1.b686c359dc126p-22, -0x1.d0654b2118714p-23,
          -0x1.a9b5952607c03p-24, -0x1.925c06d7f431ep-25, -0x1.ccfa2d51ec0b1p-24, 0x1.d594e04329cddp-25,
          -0x1.5e2b6540aa4ap-28, -0x1.04b4900102f95p-29, -0x1.b3fb4a8f95e6cp-33, -0x1.d3933d1aa9d2fp-33,
          -0x1.236eccbeefc03p-32, -0x1.d7d5fb2e3a28fp-39, 0x1.ac5c5bae11c2fp-35, -0x1.39c115f707c43p-33,
          -0x1.f2070e997f999p-9, -0x1.0527d77c9d849p-9, -0x1.501b87303d91fp-11, 0x1.877f15496f163p-10,
          -0x1.0fdc97130d094p-13, -0x1.abee662fa04e4p-11, -0x1.6136e1f0596d5p-21, 0x1.c36a6308da844p-11},
      {
          0x1.7dcc255f3374bp-14, 0x1.8ebd0acda6ca4p-15, -0x1.93d47c4f2b14ep-17, 0x1.71f797f01da47p-14,
          -0x1.2dc208df0a93fp-14, 0x1.60c192a59c74fp-15, 0x1.57f419c48ae22p-14, 0x1.0aef120b12007p-14,
          0x1.480a2890b086ep-21, 0x1.9700606554c14p-23, 0x1.2377874e96ef5p-23, 0x1.0381c28c1825bp-23,
          0x1.d2e013c939635p-25, 0x1.a3322f3b25137p-26, 0x1.474a423b1cc1bp-23, -0x1.c633832517ab3p-24,
          0x1.940ede7649b2p-31, 0x1.e7ed859c7c677p-32, -0x1.0d0cbbfb31e6p-32, 0x1.2d22ca75c390bp-36,
          0x1.5291c199649d2p-33, -0x1.e7821ec96eb42p-36, -0x1.e61f357639d49p-35, 0x1.ed3c48ee8b7a4p-34,
          0x1.5599a752afd91p-10, -0x1.a3528d614342fp-9, -0x1.d1f398a80dd66p-8, -0x1.259f7cb728f31p-6,
          -0x1.3084b4463e9cfp-8, 0x1.a3a559f8a1921p-10, -0x1.6721c182d2f79p-9, -0x1.fa20d1544fdd3p-8},
      {
          -0x1.19ee00e921924p-14, -0x1.332505be8dbedp-15, 0x1.9861b50fa1092p-15, -0x1.3757255ac0ca2p-13,
          0x1.2611d80420fe1p-13, -0x1.331f683cc0c37p-14, -0x1.37c5f1684e30cp-13, -0x1.e5e62481ac539p-14,
          -0x1.b18e8cf2f456ap-23, -0x1.65e9042522165p-25, -0x1.391d4f3929605p-24, -0x1.811f17d21a57cp-24,
          -0x1.5cc7554f9f6cfp-25, -0x1.379c2c01a7535p-26, -0x1.28f70aab4b148p-23, 0x1.a6b7fb739c7f1p-24,
          -0x1.ef55430a7c33cp-34, -0x1.2dd5cfc94c968p-33, 0x1.28959a6f4e074p-33, 0x1.7bd459a3fb66p-43,
          -0x1.29e603e96104dp-34, 0x1.efa812cadfd37p-37, 0x1.ca14f922b45c9p-36, -0x1.c3c69015f6e2bp-35,
          -0x1.bbfce35180873p-12, 0x1.e7a963950fd8fp-7, 0x1.d0543c5a54defp-6, 0x1.14babe6ff7085p-4,
          0x1.286b40c1a49d5p-6, -0x1.59a674007ff5ep-8, 0x1.59d7c49857edbp-7, 0x1.d798712252b0ep-6},
      {
          0x1.651a00af29823p-15, 0x1.8ddd2cfe68df8p-16, -0x1.53ecc006eeddp-15, 0x1.e141117f77dcp-14,
          -0x1.ce5b5e811293bp-14, 0x1.dce12031c766dp-15, 0x1.e64d5fefcd1a9p-14, 0x1.7b1d4f34433b3p-14,
          0x1.cfd4e4ddc2abcp-25, 0x1.04b773e67308dp-27, 0x1.b19e1f8af8f36p-26, 0x1.21dc51f62e00ep-25,
          0x1.074f7bec8abcap-26, 0x1.d6cff7e41fbf2p-28, 0x1.cefce94e93462p-25, -0x1.4a9a2db865f26p-25,
          0x1.c4df1c010e1bdp-37, 0x1.ab358624784dp-36, -0x1.dcf69907fcac9p-36, -0x1.4e12c8e6b4c4p-42,
          0x1.cdec07b77800fp-37, -0x1.888a9d23543dcp-39, -0x1.66ea83aa87cb6p-38, 0x1.6098eca818308p-37,
          0x1.f4ae4f798c22p-14, -0x1.86b39c56ca155p-6, -0x1.6ea2e45fc778p-5, -0x1.b22f30dbb3f03p-4,
          -0x1.d201e97204a92p-6, 0x1.0c493cfb577c5p-7, -0x1.0f5aac704c04cp-6, -0x1.70f19b2cbd3e2p-5},
  };
  // z >= 15 (double only: float's result is 0 there): K(z) = (1/sqrt(2 pi)) S(1/z^2), the
  // asymptotic series S(w) = sum (-1)^k (2k-1)!! w^k to k = 12 (first term left out
  // < 2^-58 at z = 15).
  static constexpr double kAsym[13] = {
      0x1.9884533d43651p-2, -0x1.9884533d43651p-2, 0x1.32633e6df28bcp+0,
      -0x1.7efc0e096f2ecp+2, 0x1.4f1c8c484148ep+5, -0x1.79001dd14972p+8,
      0x1.0330147fe27e6p+12, -0x1.a52e214fd00d6p+15, 0x1.8adb3f3ad30c8p+19,
      -0x1.a388f32e803d5p+23, 0x1.f232a0c73848dp+27, -0x1.46f13982bcefcp+32,
      0x1.d5fac2abef98bp+36};
};
}  // namespace mathd

/// gelu_(x) = 0.5 x (1 + erf(x / sqrt 2)) = x Phi(x), the exact-erf GELU, accurate in
/// relative terms everywhere, the negative tail included (where gelu ~ -phi(x)).
/// With z = |x|, x Phi(x) = max(x, 0) - z Phi(-z) (no cancellation: z Phi(-z) <= x/2 for
/// x > 0) and z Phi(-z) = e^{-z^2/2} K(z): K from the table above (32 polynomials of degree
/// 5 (float) / 11 (double), coefficients read with lookup32: one vpermt2ps each on AVX-512),
/// e^{-z^2/2} = 2^n (1 + p) from the exp kernel on the exact two-term sum -z^2/2 = hi + lo,
/// so the result is 2^n (K + K p) with one rounding after K's, and 2^n applied last
/// (subnormal results, x < -13.2 (float) / -37.5 (double) or so, rounded once). No
/// division: float ~37 vector ops (the erfc form it replaced, with per-coefficient selects
/// and a division, was ~60); double ~60, plus the asymptotic series for lanes with
/// z >= 15 when a vector has any (the double erfc it replaced was lane-wise long double).
/// gelu(-Inf) = -0 (as every underflow from below), gelu(+Inf) = +Inf, gelu(±0) = ±0, NaN -> NaN.
/// Max error (bound: bounds.inc): float 2.280 ulp on avx2 and avx512, 2.616 on scalar
/// x86-64 (unfused fma) (all 2^32 inputs; peak near x = -1.43); double 2.369 ulp on avx2 and
/// avx512, 2.404 on scalar (9M samples + specials).
template <class V>
AK_INLINE V gelu_(V x) {
  using namespace mathd;
  using Tb = GeluTable<typename V::T>;
  // Beyond zmax e^{-z^2/2} K(z) underflows to 0; the table needs u = z + 1 below 16.
  const V zmax = C<V>(14.9f, 38.7), zt = C<V>(14.9f, 0x1.dffffffffffffp+3);  // double: the last below 15
  V z = minFast(zmax, abs(x));  // NaN passes
  V zk = kIsF32<V> ? z : minFast(zt, z);
  V k = slot_poly<Tb>(zk, zk + K<V>(1));
  if constexpr (!kIsF32<V>) {
    typename V::M far = ge(z, K<V>(15));
    if (any(far)) {
      V iz2 = K<V>(1) / (z * z);
      k = select(far, horner(iz2, Tb::kAsym), k);
    }
  }
  V w = z * K<V>(-0.5);
  V hi = w * z;
  V lo = two_prod_err(w, z, hi);  // -z^2/2 = hi + lo exactly
  V n;
  V r = reduce_ln2(hi, n) + lo;
  V p = expm1_reduced(r);
  // x's sign: -0 where x < 0 and z Phi(-z) underflows (0 - 0 would be +0).
  return copysign(maxFast(zero<V>(), x) - ldexp_int(fma(k, p, k), n), x);
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_GELU_H_
