// SPDX-License-Identifier: Apache-2.0
// pybind11 bindings of the ngramkit kernels: the only file of csrc/ that includes Python headers.
// Buffers are checked here (exact dtype, 1-D, C-contiguous, offsets in range); kernels run with the
// GIL released. The Python package (src/ngramkit) is the public API; this module is private.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#if __has_include("bootstrap.hpp")
#include "bootstrap.hpp"
#define NGRAMKIT_HAVE_BOOTSTRAP 1
#endif
#include "metrics/bleu.hpp"
#include "metrics/chrf.hpp"
#include "poisson_bootstrap.hpp"
#include "porter_stemmer.hpp"
#include "resample.hpp"
#include "rouge_kernel.hpp"
#include "rouge_tokenizer.hpp"
#include "text/sacrebleu_tokenizers.hpp"
#include "text/ucs_utf8.hpp"
#include "tokenize_batch.hpp"

namespace py = pybind11;
using namespace ngramkit;

namespace {

template <class T>
const T* require_1d(const py::array& a, const char* name, const char* dtype_name) {
    // equal(), not is(): an unpickled dtype is equal but another object; equal() still tells
    // byte orders and widths apart
    if (!a.dtype().equal(py::dtype::of<T>()))
        throw py::type_error(std::string(name) + ": expected dtype " + dtype_name + ", got " +
                             std::string(py::str(a.dtype())));
    if (a.ndim() != 1) throw py::value_error(std::string(name) + ": expected a 1-D array");
    if (!(a.flags() & py::array::c_style))
        throw py::value_error(std::string(name) + ": expected a C-contiguous array");
    return static_cast<const T*>(a.data());
}

template <class T>
RaggedView<T> ragged(const py::array& values, const py::array& offsets, const char* name,
                     const char* values_dtype) {
    const std::string values_name = std::string(name) + ".values";
    const std::string offsets_name = std::string(name) + ".offsets";
    RaggedView<T> view;
    view.values = require_1d<T>(values, values_name.c_str(), values_dtype);
    view.n_values = static_cast<std::size_t>(values.size());
    view.offsets = require_1d<std::int64_t>(offsets, offsets_name.c_str(), "int64");
    if (offsets.size() < 1) throw py::value_error(offsets_name + ": needs at least one entry");
    view.n_rows = static_cast<std::size_t>(offsets.size() - 1);
    return view;
}

// UTF-8 rows (uint8 values + int64 offsets) as a view of chars.
RaggedView<char> text_view(const py::array& bytes, const py::array& offsets, const char* name) {
    const auto v = ragged<std::uint8_t>(bytes, offsets, name, "uint8");
    return RaggedView<char>{reinterpret_cast<const char*>(v.values), v.n_values, v.offsets, v.n_rows};
}

// Polled between chunks with the GIL released: at most every 50 ms, takes the GIL and runs
// Python's signal handlers, so Ctrl-C stops a long call (KeyboardInterrupt is then set).
class SignalCheck {
public:
    bool operator()() {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(50)) return false;
        last_ = now;
        py::gil_scoped_acquire gil;
        return PyErr_CheckSignals() != 0;
    }

private:
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// Runs a kernel with the GIL released; a Ctrl-C seen by SignalCheck becomes KeyboardInterrupt.
template <class Kernel>
void run_interruptible(Kernel kernel) {
    try {
        py::gil_scoped_release release;
        std::function<bool()> interrupted = SignalCheck();
        kernel(interrupted);
    } catch (const Interrupted&) {
        throw py::error_already_set();
    }
}

py::array_t<std::int64_t> stats_array(std::size_t n_ref, std::size_t n_types) {
    return py::array_t<std::int64_t>(std::vector<py::ssize_t>{
        static_cast<py::ssize_t>(n_ref), static_cast<py::ssize_t>(n_types), 3});
}

// A caller's array to write into: dtype T, C-contiguous, writeable, exactly `shape`; errors name
// `name` (the Python argument).
template <class T>
py::array_t<T> checked_out(const py::object& into, const std::vector<py::ssize_t>& shape, const std::string& name,
                           const char* dtype_name) {
    if (!py::isinstance<py::array>(into)) throw py::type_error(name + ": expected a numpy array");
    auto a = py::reinterpret_borrow<py::array>(into);
    if (!a.dtype().equal(py::dtype::of<T>())) throw py::type_error(name + ": expected dtype " + dtype_name);
    bool same_shape = a.ndim() == static_cast<py::ssize_t>(shape.size());
    for (std::size_t d = 0; same_shape && d < shape.size(); ++d) same_shape = a.shape(d) == shape[d];
    if (!same_shape || !(a.flags() & py::array::c_style) || !a.writeable()) {
        std::string dims;
        for (const auto extent : shape) dims += (dims.empty() ? "" : ", ") + std::to_string(extent);
        throw py::value_error(name + ": expected a writeable C-contiguous (" + dims + ") array");
    }
    return py::array_t<T>(a);
}

// ROUGE statistics to write into: int64 (n_ref, n_types, 3).
py::array_t<std::int64_t> checked_stats_out(const py::object& into, std::size_t n_ref, std::size_t n_types) {
    return checked_out<std::int64_t>(
        into, {static_cast<py::ssize_t>(n_ref), static_cast<py::ssize_t>(n_types), 3}, "out", "int64");
}

template <class T>
void check_pair_offsets(const RaggedView<T>& preds, const RaggedView<T>& refs) {
    check_offsets(preds.offsets, preds.n_rows, preds.n_values, "predictions");
    check_offsets(refs.offsets, refs.n_rows, refs.n_values, "references");
}

const std::int64_t* checked_groups(const py::array& groups, std::size_t n_pred, std::size_t n_ref) {
    const auto* g = require_1d<std::int64_t>(groups, "reference_groups", "int64");
    if (static_cast<std::size_t>(groups.size()) != n_pred + 1)
        throw py::value_error("reference_groups: expected " + std::to_string(n_pred + 1) +
                              " entries (predictions + 1), got " + std::to_string(groups.size()));
    check_groups(g, n_pred, n_ref);
    return g;
}

// ---- list[str] / list[list[int]] -> kernel buffers, on every thread ----
//
// The calling thread keeps the GIL for the whole conversion, so no Python code runs meanwhile:
// nothing can change the lists or free an item while the workers read them. The workers only read
// object fields (type, length, character data, the digits of an int) and never call into the
// interpreter. Anything unusual (an item that is not a str; a row that is not an exact list or
// tuple; an id that is not an exact int in [0, 2**31 - 1] held in one or two digits) makes the
// call return None: the caller then takes the serial Cython path (_ingest), which converts such
// rows or names the bad item in its error. Results are the same bytes / ids either way.
constexpr std::size_t kIngestChunk = 4096;

// Offsets from per-row sizes in out[1..n]: out[0] = 0, running sums.
std::int64_t prefix_sums(std::int64_t* out, std::size_t n) {
    out[0] = 0;
    for (std::size_t i = 0; i < n; ++i) out[i + 1] += out[i];
    return out[n];
}

py::object utf8_batch_threaded(const py::list& texts, int threads) {
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(texts.ptr()));
    struct Ref {
        const void* data;
        std::size_t len;
        int kind;  // 0 = ASCII, else bytes per code point
    };
    std::vector<Ref> refs(n);
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(n + 1));
    std::int64_t* off = offsets.mutable_data();
    std::atomic<bool> unusual{false};
    PyObject* const list = texts.ptr();
    parallel_chunks(n, threads, kIngestChunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            PyObject* item = PyList_GET_ITEM(list, static_cast<Py_ssize_t>(i));
            if (!PyUnicode_Check(item)) return void(unusual = true);
#if PY_VERSION_HEX < 0x030C0000
            if (!PyUnicode_IS_READY(item)) return void(unusual = true);  // a legacy str: the serial path readies it
#endif
            const auto len = static_cast<std::size_t>(PyUnicode_GET_LENGTH(item));
            const int kind = PyUnicode_IS_ASCII(item) ? 0 : static_cast<int>(PyUnicode_KIND(item));
            refs[i] = Ref{PyUnicode_DATA(item), len, kind};
            off[i + 1] = static_cast<std::int64_t>(ucs_utf8_size(refs[i].data, len, kind));
        }
    });
    if (unusual) return py::none();
    const std::int64_t total = prefix_sums(off, n);
    py::array_t<std::uint8_t> data(static_cast<py::ssize_t>(total));
    char* out = reinterpret_cast<char*>(data.mutable_data());
    parallel_chunks(n, threads, kIngestChunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) ucs_to_utf8(refs[i].data, refs[i].len, refs[i].kind, out + off[i]);
    });
    return py::make_tuple(std::move(data), std::move(offsets));
}

// An exact int in [0, 2**31 - 1] stored in at most two digits; false for anything else.
inline bool small_token_id(PyObject* v, std::int32_t& id) {
    if (!PyLong_CheckExact(v)) return false;
#if PY_VERSION_HEX >= 0x030C0000
    if (!PyUnstable_Long_IsCompact(reinterpret_cast<PyLongObject*>(v))) return false;
    const long long x = PyUnstable_Long_CompactValue(reinterpret_cast<PyLongObject*>(v));
#else
    const Py_ssize_t size = Py_SIZE(v);
    if (size < 0 || size > 2) return false;
    const auto* digits = reinterpret_cast<PyLongObject*>(v)->ob_digit;
    long long x = size == 0 ? 0 : static_cast<long long>(digits[0]);
    if (size == 2) x |= static_cast<long long>(digits[1]) << PyLong_SHIFT;
#endif
    if (x < 0 || x > 2147483647LL) return false;
    id = static_cast<std::int32_t>(x);
    return true;
}

// The item array and length of every row of `rows` (exact lists or tuples), the lengths as prefix
// sums in `off` (n + 1 entries): false if a row is anything else. The caller holds the GIL.
bool row_items(PyObject* rows, int threads, std::vector<PyObject* const*>& items, std::int64_t* off) {
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(rows));
    items.resize(n);
    off[0] = 0;
    std::atomic<bool> unusual{false};
    parallel_chunks(n, threads, kIngestChunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            PyObject* row = PyList_GET_ITEM(rows, static_cast<Py_ssize_t>(i));
            if (PyList_CheckExact(row)) {
                items[i] = reinterpret_cast<PyListObject*>(row)->ob_item;
                off[i + 1] = PyList_GET_SIZE(row);
            } else if (PyTuple_CheckExact(row)) {
                items[i] = reinterpret_cast<PyTupleObject*>(row)->ob_item;
                off[i + 1] = PyTuple_GET_SIZE(row);
            } else {
                return void(unusual = true);
            }
        }
    });
    if (unusual) return false;
    prefix_sums(off, n);
    return true;
}

// Rows [begin, end) of row_items' result as int32 ids at out + off[row]: false at an item that is
// not a small_token_id. Runs without the GIL while the caller holds it.
bool convert_rows(const std::vector<PyObject* const*>& items, const std::int64_t* off, std::size_t begin,
                  std::size_t end, std::int32_t* out) {
    for (std::size_t i = begin; i < end; ++i) {
        const auto len = static_cast<std::size_t>(off[i + 1] - off[i]);
        std::int32_t* row = out + off[i];
        for (std::size_t j = 0; j < len; ++j)
            if (!small_token_id(items[i][j], row[j])) return false;
    }
    return true;
}

py::object int_rows_threaded(const py::list& rows, int threads) {
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(rows.ptr()));
    std::vector<PyObject* const*> items;
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(n + 1));
    std::int64_t* off = offsets.mutable_data();
    if (!row_items(rows.ptr(), threads, items, off)) return py::none();
    py::array_t<std::int32_t> ids(static_cast<py::ssize_t>(off[n]));
    std::int32_t* out = ids.mutable_data();
    std::atomic<bool> unusual{false};
    parallel_chunks(n, threads, kIngestChunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        if (!unusual.load(std::memory_order_relaxed) && !convert_rows(items, off, begin, end, out)) unusual = true;
    });
    if (unusual) return py::none();
    return py::make_tuple(std::move(ids), std::move(offsets));
}

// ROUGE statistics (n, n_types, 3) of `pred_rows` against `ref_rows` (one each), both lists of
// lists/tuples of small exact ints, or None when they are anything else (the caller's general
// path then decides, and names what is wrong). Reading Python's ints is bound by
// memory and scoring by compute, so the rows are converted a chunk at a time, by the calling
// thread (which holds the GIL for exactly as long as the conversion runs) and by idle threads,
// while the other threads score the chunks already converted.
py::object rouge_id_rows(const py::list& pred_rows, const py::list& ref_rows, std::vector<int> types,
                         std::int64_t separator, int threads) {
    const RougeRequest req(std::move(types));
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(pred_rows.ptr()));
    if (n == 0 || static_cast<std::size_t>(PyList_GET_SIZE(ref_rows.ptr())) != n) return py::none();
    std::vector<PyObject* const*> pred_items, ref_items;
    std::vector<std::int64_t> pred_off(n + 1), ref_off(n + 1), groups(n + 1);
    if (!row_items(pred_rows.ptr(), threads, pred_items, pred_off.data()) ||
        !row_items(ref_rows.ptr(), threads, ref_items, ref_off.data()))
        return py::none();
    for (std::size_t i = 0; i <= n; ++i) groups[i] = static_cast<std::int64_t>(i);
    // numpy's allocation: uninitialized, and in huge pages where the system allows
    const auto n_pred_ids = static_cast<std::size_t>(pred_off[n]), n_ref_ids = static_cast<std::size_t>(ref_off[n]);
    py::array_t<std::int32_t> pred_array(static_cast<py::ssize_t>(n_pred_ids)), ref_array(static_cast<py::ssize_t>(n_ref_ids));
    std::int32_t* const pred_ids = pred_array.mutable_data();
    std::int32_t* const ref_ids = ref_array.mutable_data();
    const RaggedView<std::int32_t> preds{pred_ids, n_pred_ids, pred_off.data(), n};
    const RaggedView<std::int32_t> refs{ref_ids, n_ref_ids, ref_off.data(), n};
    auto out = stats_array(n, req.types.size());
    std::int64_t* o = out.mutable_data();
    // chunks of at most 1024 pairs and about 64k tokens (a chunk is also the unit between Ctrl-C polls)
    constexpr std::size_t kPairsPerChunk = 1024;
    constexpr std::int64_t kTokensPerChunk = 1 << 16;
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < n; ++i)
        if (i + 1 - starts.back() == kPairsPerChunk ||
            (pred_off[i + 1] - pred_off[starts.back()]) + (ref_off[i + 1] - ref_off[starts.back()]) >= kTokensPerChunk)
            starts.push_back(i + 1);
    if (starts.back() != n) starts.push_back(n);
    const std::size_t n_chunks = starts.size() - 1;
    std::optional<py::gil_scoped_release> released;  // once every row is converted
    bool converted = false;
    try {
        std::function<bool()> interrupted = SignalCheck();
        converted = produce_consume(
            n_chunks, threads, [] { return detail::IdThreadState{}; },
            [&](std::size_t c) {
                return convert_rows(pred_items, pred_off.data(), starts[c], starts[c + 1], pred_ids) &&
                       convert_rows(ref_items, ref_off.data(), starts[c], starts[c + 1], ref_ids);
            },
            [&](detail::IdThreadState& st, std::size_t c) {
                rouge_id_range(preds, refs, groups.data(), req, separator, st, o, starts[c], starts[c + 1]);
            },
            [&] { released.emplace(); }, interrupted);
    } catch (const Interrupted&) {
        released.reset();
        throw py::error_already_set();
    }
    released.reset();
    if (!converted) return py::none();
    return std::move(out);
}

py::array_t<std::int64_t> rouge_ids(const py::array& pred_ids, const py::array& pred_offsets,
                                    const py::array& ref_ids, const py::array& ref_offsets,
                                    const py::array& groups, std::vector<int> types,
                                    std::int64_t separator, int threads) {
    const RougeRequest req(std::move(types));
    const auto preds = ragged<std::int32_t>(pred_ids, pred_offsets, "predictions", "int32");
    const auto refs = ragged<std::int32_t>(ref_ids, ref_offsets, "references", "int32");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = stats_array(refs.n_rows, req.types.size());
    std::int64_t* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        try {  // ids are checked row by row in the threads, where the kernel reads them anyway
            rouge_id_stats(preds, refs, g, req, separator, threads, o, interrupted, true);
        } catch (const detail::NegativeTokenId&) {
            check_ids(preds.values, preds.offsets, preds.n_rows, "predictions");  // names the first one
            check_ids(refs.values, refs.offsets, refs.n_rows, "references");
            throw std::invalid_argument("token ids: a negative id");  // not reached: a row had one
        }
    });
    return out;
}

py::array_t<std::int64_t> rouge_text(const py::array& pred_bytes, const py::array& pred_offsets,
                                     const py::array& ref_bytes, const py::array& ref_offsets,
                                     const py::array& groups, std::vector<int> types,
                                     bool use_stemmer, int threads, int sacre_tokenizer, bool sentencewise,
                                     const py::object& into) {
    const RougeRequest req(std::move(types));
    if (sacre_tokenizer < -1 || sacre_tokenizer > static_cast<int>(SacreTokenizer::Zh))
        throw py::value_error("tokenize: unknown tokenizer code " + std::to_string(sacre_tokenizer));
    const auto preds = text_view(pred_bytes, pred_offsets, "predictions");
    const auto refs = text_view(ref_bytes, ref_offsets, "references");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = into.is_none() ? stats_array(refs.n_rows, req.types.size())
                              : checked_stats_out(into, refs.n_rows, req.types.size());
    std::int64_t* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        rouge_text_stats(preds, refs, g, req, use_stemmer, threads, o, interrupted, sacre_tokenizer, sentencewise);
    });
    return out;
}

// rouge.scores_from_statistics for one (hits, pred, ref) row: p = hits / max(pred, 1),
// r = hits / max(ref, 1), F = 2 * p * r / (p + r) or 0 — each operation rounded as numpy rounds
// it, in the same order (the build uses -ffp-contract=off, so nothing is fused).
inline void rouge_prf_row(const std::int64_t* s, double* prf) {
    const double hits = static_cast<double>(s[0]);
    const double p = hits / static_cast<double>(std::max<std::int64_t>(s[1], 1));
    const double r = hits / static_cast<double>(std::max<std::int64_t>(s[2], 1));
    const double total = p + r;
    prf[0] = p;
    prf[1] = r;
    prf[2] = total > 0 ? 2 * p * r / total : 0.0;
}

// ---- one pair of Python str, straight into the batch kernel (the per-call fast path) ----
//
// rouge-score users call score(target, prediction) once per pair; the batch path's fixed cost
// (buffers, numpy arrays, P/R/F in numpy) is ~10x the kernel's work on a DialogSum pair. This path
// runs the same tokenizer and the same score_pair on the two str's UTF-8 (no copy for compact
// strings) and computes P/R/F with the same IEEE operations, in the same order, as
// rouge.scores_from_statistics (the build uses -ffp-contract=off): the same numbers, bit for bit.
//
// Texts of up to kPairGilBytes bytes are scored holding the GIL: releasing and re-taking it costs
// more than the work. Longer texts release it (other Python threads run meanwhile).
constexpr std::size_t kPairGilBytes = 16384;
constexpr std::size_t kPairStateMaxVocabulary = 1u << 18;  // then the cached state starts afresh

// UTF-8 of a str (lone surrogates as 3-byte sequences, as _ingest.utf8_batch does); `keep` owns
// the bytes when they had to be encoded.
const char* pair_utf8(py::handle text, const char* name, Py_ssize_t& size, py::object& keep) {
    if (!PyUnicode_Check(text.ptr())) {
        if (PyBytes_Check(text.ptr()))
            throw py::type_error(std::string(name) + ": bytes are not supported; decode to str first");
        throw py::type_error(std::string(name) + ": expected str, got " + Py_TYPE(text.ptr())->tp_name);
    }
    const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
    if (data) return data;
    PyErr_Clear();
    keep = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(text.ptr(), "utf-8", "surrogatepass"));
    if (!keep) throw py::error_already_set();
    size = PyBytes_GET_SIZE(keep.ptr());
    return PyBytes_AS_STRING(keep.ptr());
}

// One pair's statistics, rows of (hits, prediction total, reference total) per type.
class RougePairScorer {
public:
    RougePairScorer(std::vector<int> types, bool use_stemmer, py::tuple names, py::object score_type,
                    bool int_zero_lcs)
        : req_(types), use_stemmer_(use_stemmer), names_(std::move(names)), score_type_(std::move(score_type)),
          int_zero_lcs_(int_zero_lcs) {
        if (static_cast<std::size_t>(names_.size()) != req_.types.size())
            throw py::value_error("names: expected one name per rouge type");
        if (!PyType_Check(score_type_.ptr()) || !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(score_type_.ptr()),
                                                                 &PyTuple_Type))
            throw py::type_error("score_type: expected a tuple subclass (a NamedTuple)");
    }

    // Statistics into `out` (n_types x 3).
    void statistics(py::handle prediction, py::handle reference, std::int64_t* out) {
        Py_ssize_t lp = 0, lr = 0;
        py::object keep_p, keep_r;
        const char* r = pair_utf8(reference, "target", lr, keep_r);  // rouge-score's order: target first
        const char* p = pair_utf8(prediction, "prediction", lp, keep_p);
        if (static_cast<std::size_t>(lp) + static_cast<std::size_t>(lr) <= kPairGilBytes) {
            detail::TextThreadState& st = cached_state();
            score(st, p, static_cast<std::size_t>(lp), r, static_cast<std::size_t>(lr), out);
        } else {
            py::gil_scoped_release release;
            detail::TextThreadState st(use_stemmer_);
            score(st, p, static_cast<std::size_t>(lp), r, static_cast<std::size_t>(lr), out);
        }
    }

    // {name: Score(p, r, f)} as rouge_score's RougeScorer.score returns it.
    py::dict score_dict(py::handle prediction, py::handle reference) {
        std::int64_t stats[3 * (kRougeLsum + 1)];
        statistics(prediction, reference, stats);
        py::dict out;
        for (std::size_t t = 0; t < req_.types.size(); ++t) {
            const std::int64_t* s = stats + 3 * t;
            const bool lcs = req_.types[t] == kRougeL || req_.types[t] == kRougeLsum;
            py::object score;
            if (int_zero_lcs_ && lcs && (s[1] == 0 || s[2] == 0)) {
                score = make_score(py::int_(0), py::int_(0), py::int_(0));  // rouge-score's int zeros
            } else {
                double prf[3];
                finalize(s, prf);
                score = make_score(py::float_(prf[0]), py::float_(prf[1]), py::float_(prf[2]));
            }
            out[names_[t]] = score;
        }
        return out;
    }

    // (statistics int64 (1, n_types, 3), scores float64 (3, n_types): precision, recall, F rows).
    py::tuple arrays(py::handle prediction, py::handle reference) {
        const auto n = static_cast<py::ssize_t>(req_.types.size());
        py::array_t<std::int64_t> stats(std::vector<py::ssize_t>{1, n, 3});
        py::array_t<double> scores(std::vector<py::ssize_t>{3, n});
        std::int64_t* s = stats.mutable_data();
        statistics(prediction, reference, s);
        double* f = scores.mutable_data();
        for (py::ssize_t t = 0; t < n; ++t) {
            double prf[3];
            finalize(s + 3 * t, prf);
            for (int i = 0; i < 3; ++i) f[i * n + t] = prf[i];
        }
        return py::make_tuple(std::move(stats), std::move(scores));
    }

    py::tuple state() const {
        return py::make_tuple(req_.types, use_stemmer_, names_, score_type_, int_zero_lcs_);
    }

private:
    static void finalize(const std::int64_t* s, double* prf) { rouge_prf_row(s, prf); }

    // Score(p, r, f) without a Python-level call: tuple.__new__(Score, (p, r, f)), which is what
    // a NamedTuple's __new__ does.
    py::object make_score(py::object a, py::object b, py::object c) const {
        py::tuple args = py::make_tuple(py::make_tuple(std::move(a), std::move(b), std::move(c)));
        PyObject* obj = PyTuple_Type.tp_new(reinterpret_cast<PyTypeObject*>(score_type_.ptr()), args.ptr(), nullptr);
        if (!obj) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(obj);
    }

    void score(detail::TextThreadState& st, const char* p, std::size_t lp, const char* r, std::size_t lr,
               std::int64_t* out) const {
        st.pred_ids.clear();
        st.pred_ends.clear();
        st.ref_ids.clear();
        st.ref_ends.clear();
        st.tokenizer.tokenize(p, lp, st.pred_ids, &st.pred_ends);
        st.tokenizer.tokenize(r, lr, st.ref_ids, &st.ref_ends);
        const TokenSeq pred{st.pred_ids.data(), st.pred_ids.size(), st.pred_ends.data(), st.pred_ends.size()};
        const TokenSeq ref{st.ref_ids.data(), st.ref_ids.size(), st.ref_ends.data(), st.ref_ends.size()};
        score_pair(pred, ref, req_, st.ws, out, st.tokenizer.vocabulary().size());
    }

    // One tokenizer + workspace per OS thread and stemmer setting, used with the GIL held; its
    // vocabulary only needs to agree within a pair, so it starts afresh when it grows large.
    detail::TextThreadState& cached_state() const {
        thread_local std::unique_ptr<detail::TextThreadState> states[2];
        auto& st = states[use_stemmer_ ? 1 : 0];
        if (!st || st->tokenizer.vocabulary().size() > kPairStateMaxVocabulary)
            st = std::make_unique<detail::TextThreadState>(use_stemmer_);
        return *st;
    }

    RougeRequest req_;
    bool use_stemmer_;
    py::tuple names_;
    py::object score_type_;
    bool int_zero_lcs_;
};

// Precision, recall and F1 of every row of ROUGE statistics (n, n_types, 3): float64
// (3, n_types, n), so each type's column is contiguous. The same operations as
// rouge.scores_from_statistics (see rouge_prf_row), bit for bit; one pass, GIL released.
py::array_t<double> rouge_prf(const py::array& stats, int threads) {
    if (!stats.dtype().equal(py::dtype::of<std::int64_t>()))
        throw py::type_error("statistics: expected dtype int64, got " + std::string(py::str(stats.dtype())));
    if (stats.ndim() != 3 || stats.shape(2) != 3 || !(stats.flags() & py::array::c_style))
        throw py::value_error("statistics: expected a C-contiguous (n, n_types, 3) array");
    const auto n = static_cast<std::size_t>(stats.shape(0));
    const auto n_types = static_cast<std::size_t>(stats.shape(1));
    py::array_t<double> out(std::vector<py::ssize_t>{3, static_cast<py::ssize_t>(n_types), static_cast<py::ssize_t>(n)});
    const auto* s = static_cast<const std::int64_t*>(stats.data());
    double* o = out.mutable_data();
    {
        py::gil_scoped_release release;
        const std::size_t plane = n_types * n;
        parallel_chunks(n, threads, 16384, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                for (std::size_t t = 0; t < n_types; ++t) {
                    double prf[3];
                    rouge_prf_row(s + 3 * (i * n_types + t), prf);
                    o[t * n + i] = prf[0];
                    o[plane + t * n + i] = prf[1];
                    o[2 * plane + t * n + i] = prf[2];
                }
        });
    }
    return out;
}

ChrfParams chrf_params(int char_order, int word_order, double factor, bool whitespace, bool eps_smoothing) {
    if (char_order < 0) throw py::value_error("char_order: must be >= 0, got " + std::to_string(char_order));
    if (word_order < 0) throw py::value_error("word_order: must be >= 0, got " + std::to_string(word_order));
    if (char_order == 0 && word_order == 0)
        throw py::value_error("char_order, word_order: at least one must be positive");
    return ChrfParams{char_order, word_order, factor, whitespace, eps_smoothing};
}

// chrF statistics of the reference sacrebleu picks per prediction, its sentence chrF and index.
py::tuple chrf_text(const py::array& pred_bytes, const py::array& pred_offsets, const py::array& ref_bytes,
                    const py::array& ref_offsets, const py::array& groups, int char_order, int word_order,
                    double factor, bool whitespace, bool eps_smoothing, int threads, const py::object& into) {
    const ChrfParams params = chrf_params(char_order, word_order, factor, whitespace, eps_smoothing);
    const auto preds = text_view(pred_bytes, pred_offsets, "predictions");
    const auto refs = text_view(ref_bytes, ref_offsets, "references");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    const auto n_pred = static_cast<py::ssize_t>(preds.n_rows);
    const std::vector<py::ssize_t> stats_shape{n_pred, static_cast<py::ssize_t>(3 * params.orders())};
    if (!into.is_none() && (!py::isinstance<py::tuple>(into) || py::len(into) != 3))
        throw py::type_error("out: expected a tuple (statistics, scores, chosen) of numpy arrays");
    auto part = [&](std::size_t k) { return py::reinterpret_borrow<py::tuple>(into)[k]; };
    auto stats = into.is_none() ? py::array_t<std::int64_t>(stats_shape)
                                : checked_out<std::int64_t>(part(0), stats_shape, "out[0]", "int64");
    auto scores = into.is_none() ? py::array_t<double>(n_pred) : checked_out<double>(part(1), {n_pred}, "out[1]", "float64");
    auto chosen = into.is_none() ? py::array_t<std::int64_t>(n_pred)
                                 : checked_out<std::int64_t>(part(2), {n_pred}, "out[2]", "int64");
    std::int64_t* s = stats.mutable_data();
    double* f = scores.mutable_data();
    std::int64_t* c = chosen.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        chrf_text_stats(preds, refs, g, params, threads, s, f, c, interrupted);
    });
    return py::make_tuple(stats, scores, chosen);
}

double chrf_f(const py::array& stats, int char_order, int word_order, double factor, bool eps_smoothing) {
    const ChrfParams params = chrf_params(char_order, word_order, factor, false, eps_smoothing);
    const auto* s = require_1d<std::int64_t>(stats, "stats", "int64");
    if (static_cast<std::size_t>(stats.size()) != 3 * params.orders())
        throw py::value_error("stats: expected 3 * (char_order + word_order) = " +
                              std::to_string(3 * params.orders()) + " entries, got " + std::to_string(stats.size()));
    return chrf_f_score(s, params);
}

// Tokenize UTF-8 rows with one shared vocabulary, ids numbered by first appearance, on `threads`
// threads: (ids int32, offsets int64, vocabulary list[str]).
py::tuple tokenize_text(const py::array& text_bytes, const py::array& text_offsets, bool use_stemmer, int threads) {
    const auto texts = text_view(text_bytes, text_offsets, "texts");
    SharedVocabularyTokenizer tokenizer;
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(texts.n_rows + 1));
    std::int64_t* o = offsets.mutable_data();
    std::size_t n_tokens = 0;
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_offsets(texts.offsets, texts.n_rows, texts.n_values, "texts");
        n_tokens = tokenizer.tokenize(texts, use_stemmer, threads, o, interrupted);
    });
    py::array_t<std::int32_t> ids(static_cast<py::ssize_t>(n_tokens));
    std::int32_t* i = ids.mutable_data();
    {
        py::gil_scoped_release release;
        tokenizer.write_ids(o, i, threads);
    }
    return py::make_tuple(ids, offsets, tokenizer.vocabulary());
}

int checked_order(int max_order) {
    if (max_order < 1) throw py::value_error("max_ngram_order: must be at least 1, got " + std::to_string(max_order));
    return max_order;
}

py::array_t<std::int64_t> bleu_stats_array(std::size_t n_pred, int max_order) {
    return py::array_t<std::int64_t>(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_pred),
                                                              2 + 2 * static_cast<py::ssize_t>(max_order)});
}

py::array_t<std::int64_t> bleu_ids(const py::array& pred_ids, const py::array& pred_offsets, const py::array& ref_ids,
                                   const py::array& ref_offsets, const py::array& groups, int max_order, int threads) {
    checked_order(max_order);
    const auto preds = ragged<std::int32_t>(pred_ids, pred_offsets, "predictions", "int32");
    const auto refs = ragged<std::int32_t>(ref_ids, ref_offsets, "references", "int32");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = bleu_stats_array(preds.n_rows, max_order);
    std::int64_t* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        check_ids(preds.values, preds.offsets, preds.n_rows, "predictions");
        check_ids(refs.values, refs.offsets, refs.n_rows, "references");
        std::int64_t max_id = -1;
        for (const auto* batch : {&preds, &refs})
            for (auto i = batch->offsets[0]; i < batch->offsets[batch->n_rows]; ++i)
                max_id = std::max<std::int64_t>(max_id, batch->values[i]);
        bleu_id_stats(preds, refs, g, max_order, threads, o, max_id, interrupted);
    });
    return out;
}

py::array_t<std::int64_t> bleu_text(const py::array& pred_bytes, const py::array& pred_offsets,
                                    const py::array& ref_bytes, const py::array& ref_offsets, const py::array& groups,
                                    int tokenizer, int max_order, int threads, const py::object& into) {
    checked_order(max_order);
    if (tokenizer < 0 || tokenizer > static_cast<int>(SacreTokenizer::Zh))
        throw py::value_error("tokenizer: unknown tokenizer code " + std::to_string(tokenizer));
    const auto preds = text_view(pred_bytes, pred_offsets, "predictions");
    const auto refs = text_view(ref_bytes, ref_offsets, "references");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = into.is_none() ? bleu_stats_array(preds.n_rows, max_order)
                              : checked_out<std::int64_t>(into, {static_cast<py::ssize_t>(preds.n_rows),
                                                                 2 + 2 * static_cast<py::ssize_t>(max_order)},
                                                          "out", "int64");
    std::int64_t* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        bleu_text_stats(preds, refs, g, static_cast<SacreTokenizer>(tokenizer), max_order, threads, o, interrupted);
    });
    return out;
}

// Sentence BLEU of every row of a (n, 2 + 2*max_order) int64 statistics array.
py::array_t<double> bleu_scores(const py::array& stats, int max_order, int smooth, double smooth_value,
                                bool effective_order, bool compensated_sum, int threads) {
    checked_order(max_order);
    if (smooth < 0 || smooth > static_cast<int>(BleuSmooth::Exp))
        throw py::value_error("smooth_method: unknown code " + std::to_string(smooth));
    if (!stats.dtype().equal(py::dtype::of<std::int64_t>()))
        throw py::type_error("statistics: expected dtype int64, got " + std::string(py::str(stats.dtype())));
    const py::ssize_t width = 2 + 2 * static_cast<py::ssize_t>(max_order);
    if (stats.ndim() != 2 || stats.shape(1) != width || !(stats.flags() & py::array::c_style))
        throw py::value_error("statistics: expected a C-contiguous (n, " + std::to_string(width) + ") array");
    const auto n = static_cast<std::size_t>(stats.shape(0));
    py::array_t<double> out(static_cast<py::ssize_t>(n));
    const auto* s = static_cast<const std::int64_t*>(stats.data());
    double* o = out.mutable_data();
    {
        py::gil_scoped_release release;
        parallel_chunks(n, threads, 16384, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                o[i] = bleu_score(s + i * static_cast<std::size_t>(width), max_order, static_cast<BleuSmooth>(smooth),
                                  smooth_value, effective_order, compensated_sum);
        });
    }
    return out;
}

// sacrebleu tokenization of every UTF-8 row: list[str] (tokens joined by one space).
py::list sacrebleu_tokenize_rows(const py::array& text_bytes, const py::array& text_offsets, int kind) {
    if (kind < 0 || kind > static_cast<int>(SacreTokenizer::Zh))
        throw py::value_error("kind: unknown sacrebleu tokenizer code " + std::to_string(kind));
    const auto t8 = ragged<std::uint8_t>(text_bytes, text_offsets, "texts", "uint8");
    std::vector<std::string> rows(t8.n_rows);
    {
        py::gil_scoped_release release;
        check_offsets(t8.offsets, t8.n_rows, t8.n_values, "texts");
        const char* base = reinterpret_cast<const char*>(t8.values);
        std::string buffer;
        for (std::size_t i = 0; i < t8.n_rows; ++i) {
            sacrebleu_tokenize(static_cast<SacreTokenizer>(kind), base + t8.offsets[i],
                               static_cast<std::size_t>(t8.offsets[i + 1] - t8.offsets[i]), buffer);
            rows[i].assign(buffer);
        }
    }
    py::list out(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        PyObject* s = PyUnicode_DecodeUTF8(rows[i].data(), static_cast<Py_ssize_t>(rows[i].size()), "surrogatepass");
        if (!s) throw py::error_already_set();
        PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), s);
    }
    return out;
}

#ifdef NGRAMKIT_HAVE_BOOTSTRAP
py::array_t<double> bootstrap(const py::array& values, std::int64_t n_samples, std::uint64_t seed, int threads) {
    if (!values.dtype().equal(py::dtype::of<double>()))
        throw py::type_error("scores: expected dtype float64, got " + std::string(py::str(values.dtype())));
    if (values.ndim() != 2 || !(values.flags() & py::array::c_style))
        throw py::value_error("scores: expected a C-contiguous 2-D array");
    const std::int64_t rows = values.shape(0), cols = values.shape(1);
    if (n_samples <= 0) throw py::value_error("n_samples: must be positive");
    py::array_t<double> out(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_samples), static_cast<py::ssize_t>(cols)});
    const double* in = static_cast<const double*>(values.data());
    double* o = out.mutable_data();
    {
        py::gil_scoped_release release;
        bootstrap_means(in, rows, cols, n_samples, seed, threads, o);
    }
    return out;
}
#endif


// ---- paired significance tests (compare): numpy's PCG64 streams, see resample.hpp ------------
// A generator state crosses the boundary as (state_hi, state_lo, inc_hi, inc_lo, has_uint32,
// uinteger): numpy's bit_generator.state split into 64-bit words.
using PcgWords = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, bool, std::uint32_t>;

Pcg64 pcg_from(const PcgWords& w) {
    Pcg64 g;
    g.state = (static_cast<u128>(std::get<0>(w)) << 64) | std::get<1>(w);
    g.inc = (static_cast<u128>(std::get<2>(w)) << 64) | std::get<3>(w);
    g.has_uint32 = std::get<4>(w);
    g.uinteger = std::get<5>(w);
    return g;
}

PcgWords pcg_words(const Pcg64& g) {
    return PcgWords{static_cast<std::uint64_t>(g.state >> 64), static_cast<std::uint64_t>(g.state),
                    static_cast<std::uint64_t>(g.inc >> 64), static_cast<std::uint64_t>(g.inc), g.has_uint32,
                    g.uinteger};
}

// A C-contiguous array of exactly `ndim` dimensions and dtype T (named in errors).
template <class T>
const T* require_nd(const py::array& a, const char* name, const char* dtype_name, py::ssize_t ndim) {
    if (!a.dtype().equal(py::dtype::of<T>()))
        throw py::type_error(std::string(name) + ": expected dtype " + dtype_name + ", got " +
                             std::string(py::str(a.dtype())));
    if (a.ndim() != ndim)
        throw py::value_error(std::string(name) + ": expected a " + std::to_string(ndim) + "-D array");
    if (!(a.flags() & py::array::c_style)) throw py::value_error(std::string(name) + ": expected a C-contiguous array");
    return static_cast<const T*>(a.data());
}

py::tuple bootstrap_resample_sums(const PcgWords& state, std::int64_t n_samples, const py::array& f32,
                                  const py::array& f64, int threads) {
    const float* a32 = require_nd<float>(f32, "float32 statistics", "float32", 2);
    const double* a64 = require_nd<double>(f64, "float64 statistics", "float64", 2);
    const auto n = static_cast<std::uint64_t>(f32.shape(0));
    if (f64.shape(0) != f32.shape(0))
        throw py::value_error("float64 statistics: expected " + std::to_string(n) + " rows, got " +
                              std::to_string(f64.shape(0)));
    if (n == 0) throw py::value_error("statistics: need at least one pair");
    if (n - 1 > 0xffffffffULL) throw py::value_error("statistics: at most 2^32 pairs");
    if (n_samples < 1) throw py::value_error("n_samples: must be positive");
    const auto k32 = static_cast<std::size_t>(f32.shape(1)), k64 = static_cast<std::size_t>(f64.shape(1));
    const auto rows = static_cast<py::ssize_t>(n_samples);
    py::array_t<float> out32(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(k32)});
    py::array_t<double> out64(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(k64)});
    Pcg64 g = pcg_from(state);
    float* o32 = out32.mutable_data();
    double* o64 = out64.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        bootstrap_sums(g, n, static_cast<std::uint64_t>(n_samples), a32, k32, a64, k64, o32, o64, threads, interrupted);
    });
    return py::make_tuple(out32, out64, pcg_words(g));
}

template <class T>
py::tuple randomization_typed(const Pcg64& g, std::int64_t n_samples, const py::array& baseline,
                              const py::array& systems, const char* dtype_name, int threads) {
    const T* bl = require_nd<T>(baseline, "baseline statistics", dtype_name, 2);
    const T* sy = require_nd<T>(systems, "system statistics", dtype_name, 3);
    const auto n = static_cast<std::uint64_t>(baseline.shape(0));
    const auto k = static_cast<std::size_t>(baseline.shape(1));
    const auto n_systems = static_cast<std::size_t>(systems.shape(0));
    if (static_cast<std::uint64_t>(systems.shape(1)) != n || static_cast<std::size_t>(systems.shape(2)) != k)
        throw py::value_error("system statistics: expected shape (n_systems, " + std::to_string(n) + ", " +
                              std::to_string(k) + ")");
    if (n_samples < 1) throw py::value_error("n_samples: must be positive");
    const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(n_samples), static_cast<py::ssize_t>(n_systems),
                                         static_cast<py::ssize_t>(k)};
    py::array_t<T> out_a(shape), out_b(shape);
    T* a = out_a.mutable_data();
    T* b = out_b.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        randomization_sums<T>(g, n, static_cast<std::uint64_t>(n_samples), bl, sy, n_systems, k, a, b, threads,
                              interrupted);
    });
    return py::make_tuple(out_a, out_b);
}

py::tuple randomization_resample_sums(const PcgWords& state, std::int64_t n_samples, const py::array& baseline,
                                      const py::array& systems, int threads) {
    const Pcg64 g = pcg_from(state);
    if (g.has_uint32) throw py::value_error("state: randomization needs a generator with no buffered 32-bit half");
    if (baseline.dtype().equal(py::dtype::of<std::int64_t>()))
        return randomization_typed<std::int64_t>(g, n_samples, baseline, systems, "int64", threads);
    return randomization_typed<double>(g, n_samples, baseline, systems, "float64", threads);
}

py::array_t<std::uint32_t> pcg_integers(const PcgWords& state, std::uint64_t n, std::int64_t count) {
    if (n == 0 || n - 1 > 0xffffffffULL) throw py::value_error("n: expected 1..2^32");
    if (count < 0) throw py::value_error("count: must be non-negative");
    py::array_t<std::uint32_t> out(static_cast<py::ssize_t>(count));
    Pcg64 g = pcg_from(state);
    draw_indices(g, n, static_cast<std::size_t>(count), out.mutable_data());
    return out;
}
// ---- Poisson bootstrap (issue 10: partition-invariant bootstrap) ----------------------------------
py::tuple poisson_bootstrap_sums(std::int64_t first_row, const py::array& stats, const py::array& values,
                                 std::uint64_t seed, std::int64_t n_samples, int threads) {
    namespace pb = poisson_bootstrap;
    const std::int64_t* s = require_nd<std::int64_t>(stats, "statistics", "int64", 2);
    const double* v = require_nd<double>(values, "values", "float64", 2);
    if (values.shape(0) != stats.shape(0))
        throw py::value_error("values: expected " + std::to_string(stats.shape(0)) + " rows, got " +
                              std::to_string(values.shape(0)));
    if (first_row < 0) throw py::value_error("first_row: must be non-negative");
    if (n_samples < 1) throw py::value_error("n_samples: must be positive");
    pb::Inputs in;
    in.first_row = static_cast<std::uint64_t>(first_row);
    in.n = static_cast<std::size_t>(stats.shape(0));
    in.stats = s;
    in.k = static_cast<std::size_t>(stats.shape(1));
    in.values = v;
    in.m = static_cast<std::size_t>(values.shape(1));
    in.seed = seed;
    in.n_samples = static_cast<std::size_t>(n_samples);
    const auto rows = static_cast<py::ssize_t>(n_samples);
    py::array_t<std::int64_t> out_s(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(in.k)});
    py::array_t<std::uint64_t> out_v(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(in.m), 2});
    py::array_t<std::int64_t> out_w(rows);
    pb::Outputs out{out_s.mutable_data(), out_v.mutable_data(), out_w.mutable_data()};
    run_interruptible([&](const std::function<bool()>& interrupted) {
        try {
            pb::validate(in);
        } catch (const std::invalid_argument& err) {
            throw py::value_error(err.what());
        }
        pb::resample_sums(in, out, threads, interrupted);
    });
    return py::make_tuple(out_s, out_v, out_w);
}

py::array_t<std::int8_t> poisson_bootstrap_weights(std::uint64_t seed, std::int64_t n_samples, std::int64_t first_row,
                                                   std::int64_t n) {
    if (n_samples < 0 || first_row < 0 || n < 0) throw py::value_error("n_samples, first_row, n: must be non-negative");
    py::array_t<std::int8_t> out(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_samples), static_cast<py::ssize_t>(n)});
    std::int8_t* o = out.mutable_data();
    for (std::int64_t r = 0; r < n_samples; ++r)
        for (std::int64_t i = 0; i < n; ++i)
            o[r * n + i] = static_cast<std::int8_t>(poisson_bootstrap::weight(
                seed, static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(first_row + i)));
    return out;
}
// ---- end Poisson bootstrap ------------------------------------------------------------------------
}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "ngramkit compiled kernels (private; use the ngramkit package API).";
    m.attr("ROUGE_L") = kRougeL;
    m.attr("ROUGE_LSUM") = kRougeLsum;
    m.attr("MAX_NGRAM_ORDER") = kMaxNgramOrder;
    m.def("rouge_ids", &rouge_ids, py::arg("pred_ids"), py::arg("pred_offsets"), py::arg("ref_ids"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("types"), py::arg("separator"),
          py::arg("threads"),
          "Per-pair ROUGE statistics over int32 token ids: int64 array (n_references, n_types, 3).");
    m.def("utf8_batch", &utf8_batch_threaded, py::arg("texts"), py::arg("threads"),
          "(uint8 UTF-8 bytes, int64 offsets) of a list of str, built on `threads` threads; None if an "
          "item is not a str (the caller's serial path names it).");
    m.def("int_rows_batch", &int_rows_threaded, py::arg("rows"), py::arg("threads"),
          "(int32 ids, int64 offsets) of a list of lists/tuples of small exact ints, on `threads` threads; "
          "None for anything else (the caller's serial path converts it or names the bad item).");
    m.def("rouge_id_rows", &rouge_id_rows, py::arg("pred_rows"), py::arg("ref_rows"), py::arg("types"),
          py::arg("separator"), py::arg("threads"),
          "Per-pair ROUGE statistics (n, n_types, 3) of two equally long lists of int lists (one reference "
          "each), converted while scoring; None for any other input.");
    m.def("rouge_text", &rouge_text, py::arg("pred_bytes"), py::arg("pred_offsets"), py::arg("ref_bytes"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("types"), py::arg("use_stemmer"),
          py::arg("threads"), py::arg("sacre_tokenizer") = -1, py::arg("sentencewise") = false,
          py::arg("out") = py::none(),
          "Per-pair ROUGE statistics over UTF-8 text: int64 array (n_references, n_types, 3), written into "
          "`out` if given.");
    py::class_<RougePairScorer>(m, "RougePairScorer",
                                "ROUGE of one (prediction, reference) pair of str, holding the GIL for "
                                "short texts: the batch kernel without the batch's fixed cost.")
        .def(py::init<std::vector<int>, bool, py::tuple, py::object, bool>(), py::arg("types"),
             py::arg("use_stemmer"), py::arg("names"), py::arg("score_type"), py::arg("int_zero_lcs"))
        .def("score_dict", &RougePairScorer::score_dict, py::arg("prediction"), py::arg("reference"),
             "{name: score_type(p, r, f)}, rouge_score's RougeScorer.score result.")
        .def("arrays", &RougePairScorer::arrays, py::arg("prediction"), py::arg("reference"),
             "(statistics int64 (1, n_types, 3), float64 (3, n_types) precision/recall/F rows).")
        .def(py::pickle([](const RougePairScorer& s) { return s.state(); },
                        [](py::tuple t) {
                            return RougePairScorer(t[0].cast<std::vector<int>>(), t[1].cast<bool>(),
                                                   t[2].cast<py::tuple>(), t[3], t[4].cast<bool>());
                        }));
    m.def("rouge_prf", &rouge_prf, py::arg("statistics"), py::arg("threads") = 1,
          "Precision, recall, F1 of ROUGE statistics (n, n_types, 3): float64 (3, n_types, n).");
    m.def("tokenize_text", &tokenize_text, py::arg("text_bytes"), py::arg("text_offsets"),
          py::arg("use_stemmer"), py::arg("threads") = 1,
          "rouge-score tokenization with one shared vocabulary (ids by first appearance), on `threads` threads.");
    m.def("sacrebleu_tokenize", &sacrebleu_tokenize_rows, py::arg("text_bytes"), py::arg("text_offsets"),
          py::arg("kind"), "sacrebleu tokenizer `kind` (0 none, 1 13a, 2 intl, 3 char, 4 zh) of every row: list[str].");
    m.def("chrf_text", &chrf_text, py::arg("pred_bytes"), py::arg("pred_offsets"), py::arg("ref_bytes"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("char_order"), py::arg("word_order"),
          py::arg("factor"), py::arg("whitespace"), py::arg("eps_smoothing"), py::arg("threads"),
          py::arg("out") = py::none(),
          "sacrebleu chrF statistics over UTF-8 text: (stats int64 (n_pred, 3 * (c + w)), sentence chrF "
          "float64 (n_pred,), chosen reference int64 (n_pred,)), written into the arrays of `out` if given.");
    m.def("chrf_f_score", &chrf_f, py::arg("stats"), py::arg("char_order"), py::arg("word_order"),
          py::arg("factor"), py::arg("eps_smoothing"),
          "sacrebleu CHRF._compute_f_score of one int64 statistics vector.");
    m.def("porter_stem", [](const std::string& word) { return porter_stem(word); }, py::arg("word"),
          "NLTK PorterStemmer() (NLTK_EXTENSIONS) stem of one lowercase ASCII word.");
    m.def("bleu_ids", &bleu_ids, py::arg("pred_ids"), py::arg("pred_offsets"), py::arg("ref_ids"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("max_order"), py::arg("threads"),
          "BLEU statistics over int32 token ids: int64 (n_predictions, 2 + 2*max_order).");
    m.def("bleu_text", &bleu_text, py::arg("pred_bytes"), py::arg("pred_offsets"), py::arg("ref_bytes"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("tokenizer"), py::arg("max_order"),
          py::arg("threads"), py::arg("out") = py::none(),
          "BLEU statistics over UTF-8 text: int64 (n_predictions, 2 + 2*max_order), written into `out` if given.");
    m.def("bleu_scores", &bleu_scores, py::arg("statistics"), py::arg("max_order"), py::arg("smooth"),
          py::arg("smooth_value"), py::arg("effective_order"), py::arg("compensated_sum"), py::arg("threads") = 1,
          "sacrebleu's compute_bleu score of every statistics row: float64 (n,).");
    m.def(
        "_set_lcs_memory_limits",
        [](std::size_t mask_words, std::size_t row_words) {
            if (mask_words == 0 || row_words == 0) throw py::value_error("limits: expected positive word counts");
            const std::size_t old_mask = dense_mask_words_limit().exchange(mask_words);
            const std::size_t old_rows = dense_row_words_limit().exchange(row_words);
            return py::make_tuple(old_mask, old_rows);
        },
        py::arg("mask_words"), py::arg("row_words"),
        "Testing hook: the sizes (64-bit words per LCS call) above which the LCS kernels switch to "
        "their bounded-memory forms (compact match masks, checkpointed traceback); returns the old ones. "
        "Results never depend on them.");
#ifdef NGRAMKIT_HAVE_BOOTSTRAP
    m.def("bootstrap_means", &bootstrap, py::arg("values"), py::arg("n_samples"), py::arg("seed"),
          py::arg("threads"), "Column means of n_samples bootstrap resamples of the rows of values.");
#endif
    m.def("bootstrap_resample_sums", &bootstrap_resample_sums, py::arg("state"), py::arg("n_samples"),
          py::arg("float32_statistics"), py::arg("float64_statistics"), py::arg("threads"),
          "Column sums of n_samples resamples drawn as numpy Generator.integers(0, n, (n_samples, n)) from "
          "the PCG64 state: (float32 (n_samples, k32), float64 (n_samples, k64), state after).");
    m.def("randomization_resample_sums", &randomization_resample_sums, py::arg("state"), py::arg("n_samples"),
          py::arg("baseline"), py::arg("systems"), py::arg("threads"),
          "Approximate-randomization sums of sacrebleu's bool swap masks from a fresh PCG64 state: "
          "(a, b), each (n_samples, n_systems, k) of the input dtype (int64 or float64).");
    m.def(
        "_set_resample_block_limit",
        [](std::size_t indices) {
            if (indices == 0) throw py::value_error("indices: expected a positive count");
            return resample_block_limit().exchange(indices);
        },
        py::arg("indices"),
        "Testing hook: indices drawn and buffered at a time by bootstrap_resample_sums; returns the old "
        "limit. Results never depend on it.");
    m.def("pcg64_integers", &pcg_integers, py::arg("state"), py::arg("n"), py::arg("count"),
          "Testing hook: the first `count` values of numpy Generator.integers(0, n) from the PCG64 state.");
    // ---- Poisson bootstrap (issue 10) ------------------------------------------------------------
    m.def("poisson_bootstrap_sums", &poisson_bootstrap_sums, py::arg("first_row"), py::arg("statistics"),
          py::arg("values"), py::arg("seed"), py::arg("n_samples"), py::arg("threads"),
          "Poisson-bootstrap sums of pairs first_row.. (csrc/poisson_bootstrap.hpp): (int64 (B, k) weighted "
          "statistics, uint64 (B, m, 2) int128 (low, high) weighted round(value * 2^88), int64 (B,) weight sums).");
    m.def("poisson_bootstrap_weights", &poisson_bootstrap_weights, py::arg("seed"), py::arg("n_samples"),
          py::arg("first_row"), py::arg("n"),
          "Testing hook: int8 (n_samples, n) Poisson(1) weights of pairs first_row..first_row + n - 1.");
    // ---- end Poisson bootstrap --------------------------------------------------------------------
}
