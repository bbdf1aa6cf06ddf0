// SPDX-License-Identifier: Apache-2.0
// One function per binding file, each adding its layer's functions to the module.
#pragma once
#include <pybind11/pybind11.h>

namespace ngramkit::bindings {

void bind_ingest(pybind11::module_& m);
void bind_text(pybind11::module_& m);
void bind_rouge(pybind11::module_& m);
void bind_rouge_matrix(pybind11::module_& m);
void bind_bleu(pybind11::module_& m);
void bind_chrf(pybind11::module_& m);
void bind_ter(pybind11::module_& m);
void bind_stats(pybind11::module_& m);
void bind_error_rates(pybind11::module_& m);
void bind_pairwise(pybind11::module_& m);

}  // namespace ngramkit::bindings
