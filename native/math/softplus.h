// native/math/softplus.h -- softplus_(x) = log1p(e^x) and mish_(x) = x*tanh(softplus(x)).
#ifndef AK_MATH_SOFTPLUS_H_
#define AK_MATH_SOFTPLUS_H_

#include "exp.h"
#include "table.h"

namespace ak {
namespace AK_ISA_NS {

namespace mathd {
// M(z) = log1p(e^{-z}) e^{z} on [0, 30), read by slot_poly with u = z/2 + 1 (table.h;
// gen/softplus_coeffs.py f|d).
template <class T> struct SoftplusTable;
template <> struct SoftplusTable<float> {
  // max relative error of the fits (float coefficients): 0.459 x 2^-24
  static constexpr float kZ0[32] = {
      0x1p+1f, 0x1.4p+1f, 0x1.8p+1f, 0x1.cp+1f, 0x1p+2f, 0x1.2p+2f,
      0x1.4p+2f, 0x1.6p+2f, 0x1.8p+2f, 0x1.cp+2f, 0x1p+3f, 0x1.2p+3f,
      0x1.4p+3f, 0x1.6p+3f, 0x1.8p+3f, 0x1.ap+3f, 0x1.cp+3f, 0x1p+4f,
      0x1.2p+4f, 0x1.4p+4f, 0x1.6p+4f, 0x1.8p+4f, 0x1.ap+4f, 0x1.cp+4f,
      0x0p+0f, 0x1p-2f, 0x1p-1f, 0x1.8p-1f, 0x1p+0f, 0x1.4p+0f,
      0x1.8p+0f, 0x1.cp+0f};
  static constexpr float kC[6][32] = {
      {
          0x1.e03192p-1f, 0x1.ec11dap-1f, 0x1.f3a99p-1f, 0x1.f86bf2p-1f, 0x1.fb5e2p-1f, 0x1.fd2d4ep-1f,
          0x1.fe4866p-1f, 0x1.fef4e6p-1f, 0x1.ff5dd2p-1f, 0x1.ffc446p-1f, 0x1.ffea06p-1f, 0x1.fff7eap-1f,
          0x1.fffd06p-1f, 0x1.fffee8p-1f, 0x1.ffff98p-1f, 0x1.ffffdap-1f, 0x1.fffff2p-1f, 0x1.fffffep-1f,
          0x1p+0f, 0x1p+0f, 0x1p+0f, 0x1p+0f, 0x1p+0f, 0x1p+0f,
          0x1.62e43p-1f, 0x1.7aa27ap-1f, 0x1.90309ap-1f, 0x1.a354bep-1f, 0x1.b3fc34p-1f, 0x1.c23616p-1f,
          0x1.ce2afcp-1f, 0x1.d813d6p-1f},
      {
          0x1.d39c5p-5f, 0x1.2e8e7p-5f, 0x1.7e3c04p-6f, 0x1.db7606p-7f, 0x1.24e446p-7f, 0x1.66d656p-8f,
          0x1.b5654cp-9f, 0x1.0a3e72p-9f, 0x1.43d43ap-10f, 0x1.de16d2p-12f, 0x1.5d55f2p-13f, 0x1.013114p-14f,
          0x1.83d80ap-16f, 0x1.0fb01cp-17f, 0x1.1a5f18p-18f, 0x1.494a3p-20f, 0x1.df01e6p-22f, 0x1.0d956ap-23f,
          -0x1.432f62p-23f, -0x1.5de822p-26f, -0x1.7ad67ep-29f, -0x1.9a293ap-32f, -0x1.bc12f6p-35f, -0x1.e0ca88p-38f,
          0x1.8b9094p-3f, 0x1.6b3406p-3f, 0x1.45f716p-3f, 0x1.1e5f78p-3f, 0x1.ed7ac6p-4f, 0x1.a1df0cp-4f,
          0x1.5c8d76p-4f, 0x1.1f037p-4f},
      {
          -0x1.8890bep-6f, -0x1.1005f8p-6f, -0x1.66504p-7f, -0x1.c81c5cp-8f, -0x1.1d8f12p-8f, -0x1.6539c2p-9f,
          -0x1.ab36fap-10f, -0x1.055e2ep-10f, -0x1.42ba92p-11f, -0x1.e4828cp-13f, -0x1.4143cep-14f, -0x1.db799ep-16f,
          -0x1.d9f7b4p-17f, -0x1.4e1e4p-19f, -0x1.3083dep-17f, -0x1.43b3aep-20f, -0x1.4aac86p-22f, -0x1.15049ep-22f,
          0x1.17c1ccp-21f, 0x1.2ee352p-24f, 0x1.47ee74p-27f, 0x1.630bacp-30f, 0x1.8066cap-33f, 0x1.a02f4cp-36f,
          -0x1.d1979ep-6f, -0x1.19f91cp-5f, -0x1.36e966p-5f, -0x1.407c2ep-5f, -0x1.389b9ap-5f, -0x1.233d02p-5f,
          -0x1.060c7p-5f, -0x1.ca632p-6f},
      {
          0x1.5fb4ap-8f, 0x1.249794p-8f, 0x1.a6ca16p-9f, 0x1.11964p-9f, 0x1.64efe2p-10f, 0x1.07c2f8p-10f,
          0x1.bec8ap-12f, 0x1.1b1a5ap-12f, 0x1.a9944cp-13f, 0x1.5f12b4p-14f, 0x1.74bd46p-17f, 0x1.299ab6p-18f,
          0x1.566e92p-17f, -0x1.52a154p-19f, 0x1.2dd672p-16f, 0x1.c1338cp-20f, 0x1.8a7a16p-23f, 0x1.27f7d8p-22f,
          -0x1.46099p-21f, -0x1.60febp-24f, -0x1.7e2e6ep-27f, -0x1.9dc7f2p-30f, -0x1.bffe46p-33f, -0x1.e508d4p-36f,
          -0x1.3951ecp-7f, -0x1.9196dp-8f, -0x1.68f8ep-9f, 0x1.ac11fap-11f, 0x1.b134dcp-9f, 0x1.158e26p-8f,
          0x1.391e5cp-8f, 0x1.47081cp-8f},
      {
          -0x1.788d16p-12f, -0x1.90aaa4p-11f, -0x1.642e8p-11f, -0x1.6c003ap-12f, -0x1.193ef2p-12f, -0x1.ddb6bap-12f,
          0x1.733ab2p-14f, 0x1.4341bp-15f, -0x1.8ebfc4p-15f, -0x1.af2402p-16f, 0x1.32b466p-17f, 0x1.98111cp-19f,
          -0x1.d3251ap-18f, 0x1.c25528p-19f, -0x1.166dbap-16f, -0x1.83d476p-20f, -0x1.28f0dp-24f, -0x1.11dde6p-23f,
          0x1.339c76p-22f, 0x1.4d0b9p-25f, 0x1.68951p-28f, 0x1.866568p-31f, 0x1.a6acb8p-34f, 0x1.c99f66p-37f,
          0x1.a29b2ep-9f, 0x1.3f227cp-9f, 0x1.1c9fcep-9f, -0x1.138a86p-12f, -0x1.27a83ap-10f, 0x1.056ffcp-10f,
          0x1.ed5494p-10f, 0x1.df7144p-10f},
      {
          -0x1.d29382p-14f, 0x1.ac1da8p-14f, 0x1.e3e5aap-14f, -0x1.4e126cp-17f, 0x1.182ca6p-16f, 0x1.9b69fcp-13f,
          -0x1.005d5cp-13f, -0x1.10ebdcp-14f, 0x1.b57cccp-18f, 0x1.535bd2p-18f, -0x1.1c41dap-18f, -0x1.8616eep-20f,
          0x1.1b81d2p-19f, -0x1.37b104p-20f, 0x1.6b57dep-18f, 0x1.f33e16p-22f, 0x1.688adap-27f, 0x1.64f58p-26f,
          -0x1.933edap-25f, -0x1.b49634p-28f, -0x1.d8af6ap-31f, -0x1.ffc4a2p-34f, -0x1.150a7p-36f, -0x1.2bf28ep-39f,
          -0x1.549a94p-16f, 0x1.32e314p-10f, 0x1.1d91dep-10f, 0x1.c435d2p-9f, 0x1.d7168ep-9f, -0x1.37763cp-13f,
          -0x1.13d9e2p-9f, -0x1.55c4b4p-9f},
  };
};
template <> struct SoftplusTable<double> {
  // max relative error of the fits (double coefficients): 0.487 x 2^-53
  static constexpr double kZ0[32] = {
      0x1p+1, 0x1.4p+1, 0x1.8p+1, 0x1.cp+1,
      0x1p+2, 0x1.2p+2, 0x1.4p+2, 0x1.6p+2,
      0x1.8p+2, 0x1.cp+2, 0x1p+3, 0x1.2p+3,
      0x1.4p+3, 0x1.6p+3, 0x1.8p+3, 0x1.ap+3,
      0x1.cp+3, 0x1p+4, 0x1.2p+4, 0x1.4p+4,
      0x1.6p+4, 0x1.8p+4, 0x1.ap+4, 0x1.cp+4,
      0x0p+0, 0x1p-2, 0x1p-1, 0x1.8p-1,
      0x1p+0, 0x1.4p+0, 0x1.8p+0, 0x1.cp+0};
  static constexpr double kC[12][32] = {
      {
          0x1.e0319216c5dbfp-1, 0x1.ec11da80912aep-1, 0x1.f3a990546367dp-1, 0x1.f86bf1a75c838p-1,
          0x1.fb5e1fdbcfae6p-1, 0x1.fd2d4ee1b4649p-1, 0x1.fe48653ebd7b4p-1, 0x1.fef4e596659bdp-1,
          0x1.ff5dd2089e76ap-1, 0x1.ffc446741428ap-1, 0x1.ffea05212058p-1, 0x1.fff7e9b28815dp-1,
          0x1.fffd0656b01dbp-1, 0x1.fffee7cb8a3ecp-1, 0x1.ffff98eaeabefp-1, 0x1.ffffda13f9478p-1,
          0x1.fffff20c9d02ep-1, 0x1.fffffe1caa46bp-1, 0x1.ffffffbe9675ep-1, 0x1.fffffff725bcdp-1,
          0x1.fffffffecd4b7p-1, 0x1.ffffffffd67dfp-1, 0x1.fffffffffa61fp-1, 0x1.ffffffffff3d6p-1,
          0x1.62e42fefa39efp-1, 0x1.7aa27a31d1175p-1, 0x1.90309a3e7736ep-1, 0x1.a354bea9ff638p-1,
          0x1.b3fc34b0df1fcp-1, 0x1.c23616104d77ep-1, 0x1.ce2afbb99191ep-1, 0x1.d813d59ec025ap-1},
      {
          0x1.d39bc6e1e3f04p-5, 0x1.2e8bca537bbecp-5, 0x1.7e38921e7869ap-6, 0x1.db7d3a10b74f2p-7,
          0x1.24e73abc62f4fp-7, 0x1.66b1c0223cec7p-8, 0x1.b5a40e69f19c6p-9, 0x1.0a60bf28276f3p-9,
          0x1.43d2ff9c3bff4p-10, 0x1.dd8211fd3aa5bp-12, 0x1.5f99cd001cbafp-13, 0x1.02c43bc9128adp-14,
          0x1.7cd1b4945f2e5p-16, 0x1.1833a949b032ep-17, 0x1.9c53e659e6ef2p-19, 0x1.2f6017ed60a2ap-20,
          0x1.be6c4fa82b509p-22, 0x1.e355b74bed608p-25, 0x1.05a621e1cc5f3p-27, 0x1.1b488f6401ec1p-30,
          0x1.32b591662b27fp-33, 0x1.4c123bf89acb5p-36, 0x1.673a2049931b5p-39, 0x1.857ee9efd032fp-42,
          0x1.8b90bfbe8e96cp-3, 0x1.6b338418319f5p-3, 0x1.45f673c50bcefp-3, 0x1.1e5dbcbf34717p-3,
          0x1.ed772a9c2761dp-4, 0x1.a1deb5d38772dp-4, 0x1.5c8ee477d03ebp-4, 0x1.1f056a12f8f49p-4},
      {
          -0x1.887fbb113c6dep-6, -0x1.0fbe5be8fba75p-6, -0x1.65f412e75b3e5p-7, -0x1.c8dc097415d31p-8,
          -0x1.1dde4a0911ab9p-8, -0x1.616f55272a757p-9, -0x1.b1bbb58eafbf3p-10, -0x1.08ee8c902d8a2p-10,
          -0x1.42c1a35b0f96ep-11, -0x1.dced913c0378bp-13, -0x1.5f718dab653fdp-14, -0x1.02b9559dd804fp-15,
          -0x1.7ccbce27046a6p-17, -0x1.18321049be949p-18, -0x1.9c5309cb3374bp-20, -0x1.2f5fe095104fp-21,
          -0x1.be6c3388daa5cp-23, -0x1.e355b92d361b6p-26, -0x1.05a5aa91650bbp-28, -0x1.1b4b8bde49f85p-31,
          -0x1.32c82107a4aaap-34, -0x1.4c323faa2ea77p-37, -0x1.61e66a582692fp-40, -0x1.8a084d447af42p-43,
          -0x1.d1bd010635543p-6, -0x1.19c3428c664dap-5, -0x1.36a6591b3a9eep-5, -0x1.3fc3fc84235ecp-5,
          -0x1.37db63581bec4p-5, -0x1.232ad09ad9a7bp-5, -0x1.06587f67a059dp-5, -0x1.cb355401b3ea2p-6},
      {
          0x1.5e1262669ab57p-8, 0x1.1f38f9ceba719p-8, 0x1.a004d41d3ac99p-9, 0x1.188dc70e45306p-9,
          0x1.6ac7248c0ecfep-10, 0x1.c96510e06426ep-11, 0x1.1bfc0e72c1882p-11, 0x1.5d67648284ba8p-12,
          0x1.ab8095a10d42bp-13, 0x1.3d2de92d5f22cp-14, 0x1.d42c1ed365ff1p-16, 0x1.58da0d23e070bp-17,
          0x1.fbaaaff562303p-19, 0x1.7593d21a9d4d1p-20, 0x1.12e0e5b81660fp-21, 0x1.947f7d95f567ap-23,
          0x1.299d5b9d8d538p-24, 0x1.4239375e5b59fp-27, 0x1.5cd97d65ca6aap-30, 0x1.79cfdbda7b1afp-33,
          0x1.999253d3636dbp-36, 0x1.bbd75c27e64cfp-39, 0x1.b0fb176425b04p-42, 0x1.173f23b3e510ep-44,
          -0x1.367e0075d4313p-7, -0x1.a10d382eee8b4p-8, -0x1.8f7398e96f171p-9, 0x1.717733efd5262p-19,
          0x1.41949da11d183p-9, 0x1.102c184bf388ep-8, 0x1.4f1e36a2129bdp-8, 0x1.6578592708d87p-8},
      {
          -0x1.292b029c08c8p-12, -0x1.38d625ac9af44p-11, -0x1.2f5f16b907591p-11, -0x1.d5cc7e37e9dcp-12,
          -0x1.4722dc02e4091p-12, -0x1.ae34a2b6f259cp-13, -0x1.11c2751ff6ffbp-13, -0x1.55c7939f6468p-14,
          -0x1.a5d8ca25ac001p-15, -0x1.3ba2e7abb058ap-16, -0x1.d3559752020a7p-18, -0x1.589ffd0e6817cp-19,
          -0x1.fb8aa31d77747p-21, -0x1.758b77e75095p-22, -0x1.12ddae1db9a89p-23, -0x1.9474067156f42p-25,
          -0x1.299bacdf95dbep-26, -0x1.423721aecfc85p-29, -0x1.5d1fab8ce77c9p-32, -0x1.780c2e3ef8cd9p-35,
          -0x1.8e9b8ef51659bp-38, -0x1.a8ee442febd9p-41, -0x1.359f56d8be366p-42, 0x1.fe09d7c789412p-49,
          0x1.742c8aec0d365p-9, 0x1.b0678faf9f4a7p-9, 0x1.aa5f95a5ce142p-9, 0x1.6ddc08fb47b89p-9,
          0x1.1151e02dc8a69p-9, 0x1.5935b9b026c83p-10, 0x1.47bc27e977327p-11, 0x1.66325d121287fp-14},
      {
          -0x1.e218663fc2d97p-13, -0x1.551d86d1092f3p-15, 0x1.520fad00e0278p-15, 0x1.e16a42480433bp-15,
          0x1.9e999449146ap-15, 0x1.2de13c3602cbdp-15, 0x1.95d5e98039e6dp-16, 0x1.055bf61c59f53p-16,
          0x1.487c615990f62p-17, 0x1.f4167f8f456acp-19, 0x1.7483c043bbb4bp-20, 0x1.1358447dca331p-21,
          0x1.95bc33ebf4264p-23, 0x1.2acfca89d0442p-24, 0x1.b77051e8fd448p-26, 0x1.41c5b1efe695bp-27,
          0x1.dbf2e1c52d072p-29, 0x1.019acb07cdda7p-31, 0x1.1d24f5f7c1113p-34, 0x1.073cf3a692dc3p-37,
          0x1.54e49e92df702p-42, -0x1.f89dd3c31f169p-46, 0x1.1bb7cbd6de92cp-40, -0x1.cc11cd453b156p-44,
          0x1.29c737a3db46p-11, 0x1.52a26cbcd7783p-13, -0x1.d245e16a52f0cp-13, -0x1.022c9b7561e2p-11,
          -0x1.40f08a34bb5ffp-11, -0x1.39bec3be87621p-11, -0x1.055545f2761f1p-11, -0x1.7c7a7e6f19c88p-12},
      {
          0x1.5918f8d4d096fp-14, 0x1.6a756a3c19f99p-15, 0x1.ca3ebc7dc98ffp-17, -0x1.d4486b727265ep-25,
          -0x1.1b4696f38cddap-18, -0x1.26b661dde5ecbp-18, -0x1.c877a3a9ba61ap-19, -0x1.3d5f5decdcce1p-19,
          -0x1.9e3e28595f11fp-20, -0x1.46c6853841771p-21, -0x1.eca97109f4367p-23, -0x1.6e6c71e9d3351p-24,
          -0x1.0c86a85720049p-25, -0x1.8f3ff9e0169edp-27, -0x1.1f95da04d3cc4p-28, -0x1.712e36f61b783p-30,
          -0x1.3b7dce16665cfp-31, -0x1.54bb06df73857p-34, -0x1.dbfdb10b6e052p-37, 0x1.09387be1fe741p-40,
          0x1.d077be8350e46p-40, 0x1.a2101454d752bp-42, -0x1.2a6474a420fdep-39, 0x1.fa50389508f57p-43,
          -0x1.09cf4cde60e32p-12, -0x1.20c0323ccbf84p-12, -0x1.da060e0df7271p-13, -0x1.1311db4ce9ae5p-13,
          -0x1.091502275d96cp-15, 0x1.698110531ae62p-15, 0x1.60d38910b3e8p-14, 0x1.83881fde5b59ep-14},
      {
          -0x1.3a0811bcc8e38p-17, -0x1.69fb7c9fb86f7p-17, -0x1.94cfdf24dfafbp-18, -0x1.2d288c6dfb16cp-19,
          -0x1.a31c068622b2cp-22, 0x1.c749d05e9e17ap-23, 0x1.2a22bd828d319p-22, 0x1.39e98e95c1546p-22,
          0x1.a42ec71f7667ep-23, 0x1.654447d169bcep-24, 0x1.113c9c2d8d224p-25, 0x1.a56facc5def1cp-27,
          0x1.12f062e45d02cp-28, 0x1.d9f050ecbaa39p-30, 0x1.cc9f6640c0f72p-32, -0x1.540649f5c6543p-32,
          0x1.584bfdec0f5f4p-34, 0x1.6cb6a1306ed89p-37, 0x1.5efa98d446196p-38, -0x1.6cb0ed80fd837p-39,
          -0x1.2dc0303eb2fbep-39, -0x1.057ae02b20118p-41, 0x1.5ef0d62f3c789p-39, -0x1.2abca08e3fcd3p-42,
          -0x1.e276da871c1p-16, 0x1.2aa8991244d8ep-18, 0x1.aba291d181e03p-15, 0x1.0bb99402ea1bdp-14,
          0x1.d70f1591cfc53p-15, 0x1.513857898b2b1p-15, 0x1.2e676c356bc87p-17, 0x1.116d40b47c2e5p-19},
      {
          -0x1.3f596d0d82de8p-19, 0x1.fdf2ba46f1334p-21, 0x1.6fa4f4931d907p-20, 0x1.8e4734d34df34p-21,
          0x1.6df7f775b1908p-23, 0x1.f1d423830c81cp-26, 0x1.d1def4f4707a6p-24, -0x1.4bf7d7ef028aap-24,
          -0x1.3edfcd382036ap-26, -0x1.3985f81d0f99fp-27, -0x1.b64028aa73b2bp-29, -0x1.d624116aa9e27p-30,
          0x1.10c877da0f904p-33, -0x1.4ea149cf04724p-32, 0x1.a4d0fa0142901p-33, 0x1.8ccbe096c9c32p-31,
          -0x1.01f449a0bb77bp-37, -0x1.d3dd146ea7a53p-41, -0x1.7264bc18fe703p-39, 0x1.10ee2794393ep-39,
          0x1.aca05f42b54cfp-40, 0x1.71f57c0012512p-42, -0x1.ed2e0c73df894p-40, 0x1.a3fa0c6693a4dp-43,
          -0x1.fb5149adca303p-17, 0x1.a200502dbae7cp-15, -0x1.454fb2de8ec08p-16, -0x1.adf695400864ap-16,
          -0x1.0ccae0b00f738p-15, -0x1.ad220b4cffe42p-15, 0x1.d1c76784697f2p-17, -0x1.b07499a827237p-16},
      {
          0x1.540ee8d36d7cap-20, 0x1.1f936fb62d95bp-22, -0x1.a274f82ccf3d3p-22, -0x1.fb74f15f6b19ep-23,
          0x1.9fb71db6be06ep-24, 0x1.8eb805cbadf16p-25, -0x1.94c7f1d9a26d6p-23, 0x1.a46091f6134e3p-24,
          0x1.02ebc0c01a8b8p-30, 0x1.11f5b6f84ba6ap-31, -0x1.c3b9f81c6b869p-33, 0x1.75e43d6f73af2p-32,
          -0x1.184c4dceca6cdp-31, 0x1.cc5bda722efbp-34, -0x1.d9aec05976c6ap-33, -0x1.573a90372ec9ep-31,
          -0x1.10cb44f2e475dp-43, -0x1.799a85a82a7c8p-44, 0x1.25827f48a9f7cp-40, -0x1.cd3bca73fd325p-41,
          -0x1.67485eca68ae5p-41, -0x1.35e9a5b9b0ba5p-43, 0x1.9cb048c8319b2p-41, -0x1.5f74472178933p-44,
          0x1.ebd9a5e27f6e9p-14, -0x1.92c698f7fe5d5p-14, 0x1.afe3490c4c62p-14, 0x1.62a789c0eea09p-14,
          0x1.4e012b6f2de2ap-14, 0x1.1dbf576a22ddep-13, -0x1.3b1ca3b960fdfp-14, 0x1.2230b7f5f59bap-14},
      {
          -0x1.081286fb808dbp-22, -0x1.de38795a69b64p-24, 0x1.0eff3bf8b02b9p-22, 0x1.0470ce0e52846p-23,
          -0x1.28952c04aab5bp-23, -0x1.08bd267fa097p-24, 0x1.692ac878ac0bap-23, -0x1.8553b53bd4ba7p-24,
          0x1.7fcf241f4c88p-35, 0x1.082c8be051781p-33, 0x1.108e4bbc06446p-32, -0x1.a9a2f63f1c93dp-34,
          0x1.1ad238fccef67p-32, -0x1.5eb4a34bfcc63p-35, 0x1.c1b82aa55d608p-34, 0x1.3d5213287b5d6p-32,
          0x1.a6c4e9f412a93p-43, 0x1.70c1f230e61abp-45, -0x1.0afe7aed5b2b9p-42, 0x1.a9a3a0de38f58p-43,
          0x1.4afb50d372d28p-43, 0x1.1d76391b3ac28p-45, -0x1.7c0a338e21887p-43, 0x1.43a774b2a5d6bp-46,
          -0x1.a81b3cb597d76p-13, 0x1.66b950a55a381p-13, -0x1.a2fa8f01d5e14p-13, -0x1.583d33017e65cp-13,
          -0x1.3b617b9f3aa2cp-13, -0x1.06af7b82c514cp-12, 0x1.27cf26f17ffbp-13, -0x1.05553975c2f01p-13},
      {
          0x1.3f433ca0324bp-26, 0x1.c592e21ec80ebp-27, -0x1.aea840dbb8e18p-24, -0x1.73681115580efp-25,
          0x1.e90ab43ca840bp-25, 0x1.b5f2f46d180efp-26, -0x1.17c58c3ca110cp-24, 0x1.317503dc2a06bp-25,
          -0x1.1f84de3190e67p-37, -0x1.21c28d45a5c1ep-35, -0x1.d49ce19cd9be5p-35, 0x1.2985fe1ad202fp-36,
          -0x1.c06e6bdfe3afp-35, 0x1.07ff5f63ad536p-37, -0x1.6112c14740727p-36, -0x1.f001e7ac10bfp-35,
          -0x1.9b828ef36c7a6p-46, -0x1.4c09b7c42b16cp-48, 0x1.9f9158be6e35cp-46, -0x1.4ca2cf852a5c1p-46,
          -0x1.02882adbce45dp-46, -0x1.bdef3d59a5beep-49, 0x1.28d1d81f3e719p-46, -0x1.f990757dc4f3fp-50,
          0x1.3aa9a6e8c7904p-13, -0x1.1a655cd15997ap-13, 0x1.47a0f0386c566p-13, 0x1.0e92f5690746fp-13,
          0x1.f01f11ef87e33p-14, 0x1.9b72352a41c0cp-13, -0x1.cdc96ff6ce56dp-14, 0x1.97d88f55defbep-14},
  };
};
}  // namespace mathd

/// softplus_(x) = log(1 + e^x), overflow-free: max(x, 0) + log1p(e^-|x|), where
/// e^-|x| is in (0, 1] and log1p of it in (0, ln 2] (both relative-accurate, so the tail
/// x -> -Inf, where softplus ~ e^x, keeps relative accuracy down to the subnormals).
/// log1p(w) = w M(z) with w = e^{-z} = 2^n (1 + p), z = |x|, and M from the table above
/// (degree 5 float / 11 double, lookup32), so softplus = max(x, 0) + 2^n (M + M p): no
/// division, ~33 vector ops in float (exp + log1p_core with its division was ~45). double,
/// z >= 30 (past the table): M = 1 - w/2 to working precision.
/// softplus(-Inf) = +0, softplus(+Inf) = +Inf, NaN -> NaN, softplus(0) = ln 2 (within
/// the bound). Subnormal results (x < -87.3 / -708.4) rounded once, within the SPEC's rule.
/// (The op's beta/threshold parameters are the kernel's business: softplus_(beta*x)/beta.)
/// Max error (bound: bounds.inc): see README.md.
template <class V>
AK_INLINE V softplus_(V x) {
  using namespace mathd;
  using Tb = SoftplusTable<typename V::T>;
  V z = abs(x);
  // The table needs u = z/2 + 1 below 16 (float: M is 1 from z ~ 17 on anyway).
  V zk = minFast(C<V>(29.9f, 0x1.dffffffffffffp+4), z);  // NaN passes; double: the last below 30
  V m = slot_poly<Tb>(zk, fma(zk, K<V>(0.5), K<V>(1)));
  // e^{-z} = 2^n (1 + p); below e^{-104} (float) / e^{-746} (double) it rounds to 0.
  V n;
  V r = reduce_ln2(maxFast(C<V>(-104.0f, -746.0), -z), n);
  V p = expm1_reduced(r);
  if constexpr (!kIsF32<V>) {
    typename V::M far = ge(z, K<V>(30));
    if (any(far)) m = select(far, fnma(ldexp_int(p + K<V>(1), n), K<V>(0.5), K<V>(1)), m);
  }
  return maxFast(zero<V>(), x) + ldexp_int(fma(m, p, m), n);  // maxFast: NaN passes
}

/// mish_(x) = x * tanh(softplus(x)), computed directly from w = e^x:
/// tanh(log1p(w)) = ((1+w)^2 - 1) / ((1+w)^2 + 1) = n / (n + 2) with n = w(w + 2),
/// n = fma(w, w, 2w) (one rounding, no cancellation: all terms positive), w = e^x kept
/// as a two-term sum, x*n as an exact product, n + 2 as an exact two-term sum, and the
/// quotient x*n/(n+2) corrected by its residual: ~4 roundings' worth of error -> ~2.
/// x is clamped to 20 (float) / 40 (double) for w, where the ratio already rounds to 1,
/// so w never overflows; below -20 (-40) mish = x e^x to working precision, computed as
/// (x * p) * 2^k so that a subnormal e^x does not lose the accuracy of a normal result.
/// mish(+Inf) = +Inf, mish(-Inf) = -0, mish(±0) = ±0, NaN -> NaN.
/// Max error (bound: bounds.inc; the rounding of n = w(w+2) in
/// the numerator is the one left): see README.md.
template <class V>
AK_INLINE V mish_(V x) {
  using namespace mathd;
  // w = e^xe = 2^k * (ph + pl), xe = x clamped to [-110, 20] (float) / [-760, 40] (double);
  // p = 1 + expm1(r) kept as an exact two-term sum (Fast2Sum, |expm1(r)| < 1).
  V xe = minFast(C<V>(20.0f, 40.0), maxFast(C<V>(-110.0f, -760.0), x));  // NaN passes
  V k;
  V r = reduce_ln2(xe, k);
  V q = expm1_reduced(r);
  V ph = q + K<V>(1);
  V pl = q - (ph - K<V>(1));
  V wh = ldexp_int(ph, k), wl = ldexp_int(pl, k);
  V two = K<V>(2);
  // n = w (w + 2) with one rounding (+ the tiny wl term)
  V n = fma(wl, wh + wh + two, fma(wh, wh, wh + wh));
  V dh = n + two;
  V dl = minFast(n, two) - (dh - maxFast(n, two));  // Fast2Sum error of n + 2
  // y = x*n / (n + 2): numerator as an exact product ah + al, divisor dh + dl, one
  // residual correction (as div_dd, with the numerator's low part added).
  V ah = xe * n;
  V y = div_dd2(ah, two_prod_err(xe, n, ah), dh, dl);
  // x >= 20 (40): tanh(softplus(x)) rounds to 1, mish(x) = x (also for +Inf).
  y = select(gt(x, C<V>(20.0f, 40.0)), x, y);
  // Tail x < -20 (-40): tanh(softplus(x)) = w to working precision, and w itself may be
  // subnormal while x*w is not (x ~ -90): scale x*p instead, 2^k applied last.
  // Only a vector with such a lane pays for it (the usual data has none).
  const auto far = lt(x, C<V>(-20.0f, -40.0));
  if (any(far)) y = select(far, ldexp_int(fma(xe, ph, xe * pl), k), y);
  return bitor_(y, bitand_(x, splat_bits<V>(FP<V>::kSignMask)));  // mish has x's sign (-0)
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_SOFTPLUS_H_
