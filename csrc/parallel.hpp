// SPDX-License-Identifier: Apache-2.0
// Run a body over [0, n) in chunks on up to `threads` std::threads created for this call only.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace ngramkit {

// Thrown out of parallel_chunks when the `interrupted` hook asked to stop.
struct Interrupted : std::exception {
    const char* what() const noexcept override { return "interrupted"; }
};

// make_state() builds one per-thread state (workspaces); body(state, begin, end) handles a chunk.
// Chunks are handed out dynamically, so results must only depend on the index, never on which
// thread ran it. The first exception thrown by any worker is rethrown here after all joined.
// `interrupted`, if set, is polled by the calling thread between its chunks (the bindings check
// for Ctrl-C there); when it returns true, every worker stops and Interrupted is thrown.
template <class MakeState, class Body>
void parallel_chunks(std::size_t n, int threads, std::size_t chunk, MakeState make_state, Body body,
                     const std::function<bool()>& interrupted = {}) {
    if (n == 0) return;
    chunk = std::max<std::size_t>(chunk, 1);
    const std::size_t n_chunks = (n + chunk - 1) / chunk;
    const std::size_t workers =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), n_chunks);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto run = [&](bool is_caller) {
        try {
            auto state = make_state();
            while (!failed.load(std::memory_order_relaxed)) {
                const std::size_t c = next.fetch_add(1);
                if (c >= n_chunks) break;
                const std::size_t begin = c * chunk;
                body(state, begin, std::min(n, begin + chunk));
                if (is_caller && interrupted && interrupted()) throw Interrupted();
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            failed = true;
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(workers - 1);
    for (std::size_t t = 1; t < workers; ++t) {
        try {
            pool.emplace_back(run, false);
        } catch (const std::system_error&) {
            break;  // the OS refused a thread: the threads we have take all chunks
        }
    }
    run(true);
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace ngramkit
