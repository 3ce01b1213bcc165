// The line protocol every C++ peer worker speaks with bench/kernels.cjs, and
// its timing loop. One request per line on stdin, one JSON object per line on
// stdout:
//
//   hello                      {"ok":true,"peer":..,"version":..,"notes":..,"ops":{name:[passes]},"dtypes":[..]}
//   prepare OP PASS DTYPE N THREADS COLS A B XPATH DYPATH AUXPATH
//                              {"ok":true,"impl":..} or {"ok":false,"reason":..}
//   run REPS                   {"ok":true,"wall":ns,"cpu":ns} for REPS calls
//   output PATH COUNT          writes the first COUNT output elements (raw, native endianness)
//   release                    frees the prepared call
//   quit
//
// OP is the package's registry name (gelu's tanh form is "gelu:tanh"), PASS
// forward, backward (dx = dy·f'(x) from x) or backward-y (the same from the
// forward output y, which prepare computes outside the timing), COLS the row length of softmax/logSoftmax or the
// channel count of prelu, A and B the op's parameters (alpha, ...), the paths
// raw arrays of N elements written by the driver ("-": none; AUXPATH holds
// prelu's slopes). Every call writes into an output allocated by prepare, so
// run times the call alone, as the package is timed into a preallocated out.
// Wall time is CLOCK_MONOTONIC, CPU time CLOCK_PROCESS_CPUTIME_ID (every
// thread of the worker, its pool's included).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <initializer_list>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace peers {

struct Task {
  std::string op, pass, dtype;
  size_t n = 0, cols = 0;
  int threads = 1;
  double a = 0, b = 0;
  void *x = nullptr, *dy = nullptr, *aux = nullptr, *out = nullptr;
  size_t auxCount = 0;
  size_t elemBytes() const { return dtype == "float64" ? 8 : 4; }
};

// A peer library behind the protocol. prepare returns "" when the call is
// ready (and sets impl to what the library chose, when it says), otherwise
// why it cannot make it (the driver lists that as not measured).
class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::string hello() = 0;
  virtual std::string prepare(const Task& t, std::string& impl) = 0;
  virtual void call() = 0;
  virtual void release() = 0;
};

inline std::string jsonString(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      r += buf;
    } else {
      r += c;
    }
  }
  return r + "\"";
}

inline double nowNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// 64-byte aligned storage, as a Node ArrayBuffer of this size is (V8 allocates large buffers page-aligned).
inline void* alignedAlloc(size_t bytes) {
  void* p = nullptr;
  if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) return nullptr;
  return p;
}

inline bool readFile(const std::string& path, void* dst, size_t bytes, std::string& why) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    why = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  size_t got = std::fread(dst, 1, bytes, f);
  std::fclose(f);
  if (got != bytes) {
    why = path + " is shorter than the " + std::to_string(bytes) + " bytes asked for";
    return false;
  }
  return true;
}

inline void reply(const std::string& json) {
  std::cout << json << '\n' << std::flush;
}

inline void fail(const std::string& why) { reply("{\"ok\":false,\"reason\":" + jsonString(why) + "}"); }

class Server {
 public:
  explicit Server(Peer& peer) : peer_(peer) {}
  ~Server() { clear(); }

  int serve() {
    std::string line;
    while (std::getline(std::cin, line)) {
      std::istringstream in(line);
      std::string cmd;
      in >> cmd;
      if (cmd == "quit") break;
      if (cmd == "hello") {
        reply(peer_.hello());
      } else if (cmd == "prepare") {
        prepare(in);
      } else if (cmd == "run") {
        long long reps = 0;
        in >> reps;
        if (!ready_ || reps < 1) {
          fail("run before a successful prepare, or reps < 1");
          continue;
        }
        const double w0 = nowNs(CLOCK_MONOTONIC), c0 = nowNs(CLOCK_PROCESS_CPUTIME_ID);
        for (long long k = 0; k < reps; k++) peer_.call();
        const double w = nowNs(CLOCK_MONOTONIC) - w0, c = nowNs(CLOCK_PROCESS_CPUTIME_ID) - c0;
        char buf[96];
        std::snprintf(buf, sizeof buf, "{\"ok\":true,\"wall\":%.0f,\"cpu\":%.0f}", w, c);
        reply(buf);
      } else if (cmd == "output") {
        std::string path;
        size_t count = 0;
        in >> path >> count;
        if (!ready_) {
          fail("output before a successful prepare");
          continue;
        }
        peer_.call();
        if (count > task_.n) count = task_.n;
        FILE* f = std::fopen(path.c_str(), "wb");
        const bool ok = f && std::fwrite(task_.out, task_.elemBytes(), count, f) == count;
        if (f) std::fclose(f);
        if (ok) reply("{\"ok\":true}");
        else fail("cannot write " + path);
      } else if (cmd == "release") {
        clear();
        reply("{\"ok\":true}");
      } else {
        fail("unknown request: " + line);
      }
    }
    clear();
    return 0;
  }

 private:
  void clear() {
    if (ready_) peer_.release();
    ready_ = false;
    for (void* p : {task_.x, task_.dy, task_.aux, task_.out}) std::free(p);
    task_ = Task();
  }

  bool load(const std::string& path, size_t count, void*& dst, std::string& why) {
    if (path == "-") return true;
    dst = alignedAlloc(count * task_.elemBytes());
    if (!dst) {
      why = "out of memory";
      return false;
    }
    return readFile(path, dst, count * task_.elemBytes(), why);
  }

  void prepare(std::istringstream& in) {
    clear();
    std::string xpath, dypath, auxpath;
    in >> task_.op >> task_.pass >> task_.dtype >> task_.n >> task_.threads >> task_.cols >> task_.a >> task_.b >> xpath >> dypath >> auxpath;
    if (!in || task_.n == 0 || task_.threads < 1) {
      fail("malformed prepare request");
      return;
    }
    std::string why;
    task_.auxCount = task_.cols;
    if (!load(xpath, task_.n, task_.x, why) || !load(dypath, task_.n, task_.dy, why) || !load(auxpath, task_.auxCount, task_.aux, why)) {
      fail(why);
      clear();
      return;
    }
    task_.out = alignedAlloc(task_.n * task_.elemBytes());
    if (!task_.out) {
      fail("out of memory");
      clear();
      return;
    }
    // First touch outside the timing, as the driver's preallocated outputs are.
    std::memset(task_.out, 0, task_.n * task_.elemBytes());
    std::string impl;
    try {
      why = peer_.prepare(task_, impl);
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (!why.empty()) {
      fail(why);
      clear();
      return;
    }
    ready_ = true;
    reply("{\"ok\":true,\"impl\":" + jsonString(impl) + "}");
  }

  Peer& peer_;
  Task task_;
  bool ready_ = false;
};

// The "ops" member of hello: {"relu":["forward","backward"],...}.
struct OpList {
  std::string json = "{";
  void add(const std::string& op, std::initializer_list<const char*> passes) {
    if (json.size() > 1) json += ',';
    json += jsonString(op) + ":[";
    bool first = true;
    for (const char* p : passes) {
      if (!first) json += ',';
      json += jsonString(p);
      first = false;
    }
    json += ']';
  }
  std::string done() const { return json + "}"; }
};

}  // namespace peers
