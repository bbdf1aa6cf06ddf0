// SPDX-License-Identifier: Apache-2.0
// Ragged batches in Arrow layout (values + offsets) and the checks every kernel entry applies.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace ngramkit {

// Ragged batch in Arrow layout: row i is values[offsets[i] .. offsets[i+1]).
template <class T>
struct RaggedView {
    const T* values = nullptr;
    std::size_t n_values = 0;
    const std::int64_t* offsets = nullptr;
    std::size_t n_rows = 0;  // offsets has n_rows + 1 entries
};

// A token sequence: ids that only need to agree within one hypothesis and its references.
struct IdSpan {
    const std::int32_t* ids;
    std::size_t len;
};

// Row `row` of an id batch.
inline IdSpan id_span(const RaggedView<std::int32_t>& batch, std::size_t row) {
    return IdSpan{batch.values + batch.offsets[row],
                  static_cast<std::size_t>(batch.offsets[row + 1] - batch.offsets[row])};
}

// Offsets must be non-negative, non-decreasing and end within the values.
inline void check_offsets(const std::int64_t* offsets, std::size_t n_rows, std::size_t n_values,
                          const char* name) {
    if (offsets[0] < 0)
        throw std::invalid_argument(std::string(name) + ": offsets[0] is negative");
    for (std::size_t i = 0; i < n_rows; ++i)
        if (offsets[i + 1] < offsets[i])
            throw std::invalid_argument(std::string(name) + ": offsets decrease at row " +
                                        std::to_string(i));
    if (static_cast<std::uint64_t>(offsets[n_rows]) > n_values)
        throw std::invalid_argument(std::string(name) + ": offsets[-1] = " +
                                    std::to_string(offsets[n_rows]) + " exceeds the " +
                                    std::to_string(n_values) + " values");
}

inline void check_ids(const std::int32_t* ids, const std::int64_t* offsets, std::size_t n_rows,
                      const char* name) {
    std::int32_t low = 0;  // a branch-free (vectorized) pass; the position is looked for only on failure
    for (std::int64_t i = offsets[0]; i < offsets[n_rows]; ++i) low = std::min(low, ids[i]);
    if (low >= 0) return;
    for (std::int64_t i = offsets[0]; i < offsets[n_rows]; ++i)
        if (ids[i] < 0)
            throw std::invalid_argument(std::string(name) + ": token id " + std::to_string(ids[i]) +
                                        " at position " + std::to_string(i) + " is negative");
}

// group_offsets (n_pred + 1 entries, from 0 to n_ref): the references of prediction g are rows
// group_offsets[g] .. group_offsets[g+1] of the reference batch; out has n_ref x types x 3 entries.
inline void check_groups(const std::int64_t* group_offsets, std::size_t n_pred, std::size_t n_ref) {
    if (group_offsets[0] != 0)
        throw std::invalid_argument("reference_groups: must start at 0");
    for (std::size_t g = 0; g < n_pred; ++g)
        if (group_offsets[g + 1] < group_offsets[g])
            throw std::invalid_argument("reference_groups: decreasing at prediction " + std::to_string(g));
    if (static_cast<std::uint64_t>(group_offsets[n_pred]) != n_ref)
        throw std::invalid_argument("reference_groups: must end at the number of references (" +
                                    std::to_string(n_ref) + ")");
}

}  // namespace ngramkit
