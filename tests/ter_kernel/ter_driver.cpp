// Reads pairs of lines (hypothesis ids, reference ids) and prints sacrebleu TER edits per pair.
#include "metrics/ter.hpp"
#include <iostream>
#include <sstream>
#include <string>
int main(){ std::string a,b; while(std::getline(std::cin,a)&&std::getline(std::cin,b)){ std::vector<std::int32_t> h,r; int x; std::istringstream sa(a),sb(b); while(sa>>x)h.push_back(x); while(sb>>x)r.push_back(x);
 std::cout<<ngramkit::ter::translation_edit_rate(h.data(),h.size(),r.data(),r.size())<<"\n";} }
