// The copy floor of the kernel bench, in C (bench/c-peers/worker.h has the
// protocol): "stream", a copy with aligned non-temporal stores throughout,
// the least traffic a one-read, one-write pass can make once the arrays leave
// the caches (an ordinary store reads the line first). THREADS OpenMP threads
// split the array in 64-byte-aligned chunks. (At cache-resident sizes the
// floor is the Node copy the driver times, y.set(x).)
#include <omp.h>

#include <algorithm>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "worker.h"

namespace {

void streamCopy(const char* src, char* dst, size_t bytes) {
#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE2__)
  // Head up to the destination's 64-byte boundary, plainly; then whole lines with streaming stores.
  size_t head = (64 - (reinterpret_cast<uintptr_t>(dst) & 63)) & 63;
  head = std::min(head, bytes);
  std::memcpy(dst, src, head);
  size_t i = head;
  for (; i + 64 <= bytes; i += 64) {
#if defined(__AVX512F__)
    _mm512_stream_ps(reinterpret_cast<float*>(dst + i), _mm512_loadu_ps(reinterpret_cast<const float*>(src + i)));
#elif defined(__AVX__)
    _mm256_stream_ps(reinterpret_cast<float*>(dst + i), _mm256_loadu_ps(reinterpret_cast<const float*>(src + i)));
    _mm256_stream_ps(reinterpret_cast<float*>(dst + i + 32), _mm256_loadu_ps(reinterpret_cast<const float*>(src + i + 32)));
#else
    for (int k = 0; k < 64; k += 16)
      _mm_stream_ps(reinterpret_cast<float*>(dst + i + k), _mm_loadu_ps(reinterpret_cast<const float*>(src + i + k)));
#endif
  }
  std::memcpy(dst + i, src + i, bytes - i);
  _mm_sfence();
#else
  std::memcpy(dst, src, bytes);
#endif
}

class Floor : public peers::Peer {
 public:
  std::string hello() override {
    peers::OpList ops;
    ops.add("stream", {"forward"});
#if defined(__AVX512F__)
    const char* how = "streaming stores: 512-bit";
#elif defined(__AVX__)
    const char* how = "streaming stores: 256-bit";
#elif defined(__SSE2__)
    const char* how = "streaming stores: 128-bit";
#else
    const char* how = "no streaming stores on this target: stream is memcpy";
#endif
    return std::string("{\"ok\":true,\"peer\":\"floor\",\"version\":null,\"notes\":\"") + how +
           "\",\"dtypes\":[\"float32\",\"float64\"],\"ops\":" + ops.done() + "}";
  }

  std::string prepare(const peers::Task& t, std::string& impl) override {
    if (t.op != "stream") return "the floor worker only copies";
    t_ = t;
    impl = "non-temporal stores";
    return "";
  }

  void call() override {
    const size_t bytes = t_.n * t_.elemBytes();
    const char* src = static_cast<const char*>(t_.x);
    char* dst = static_cast<char*>(t_.out);
    if (t_.threads == 1) {
      streamCopy(src, dst, bytes);
      return;
    }
#pragma omp parallel num_threads(t_.threads)
    {
      const size_t nt = static_cast<size_t>(omp_get_num_threads()), id = static_cast<size_t>(omp_get_thread_num());
      const size_t chunk = ((bytes / nt) + 63) & ~static_cast<size_t>(63);
      const size_t lo = std::min(bytes, id * chunk), hi = std::min(bytes, lo + chunk);
      streamCopy(src + lo, dst + lo, hi - lo);
    }
  }

  void release() override {}

 private:
  peers::Task t_;
};

}  // namespace

int main() {
  Floor peer;
  return peers::Server(peer).serve();
}
