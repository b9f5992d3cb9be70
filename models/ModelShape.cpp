#include "models/ModelShape.h"

#include <sstream>
#include <stdexcept>

namespace sasgsim {

ModelShape ModelShape::checked(const char* model, const std::vector<int64_t>& input_shape,
                               int64_t classes) {
  bool ok = input_shape.size() == 3;
  for (int64_t d : input_shape) ok = ok && d > 0;
  if (!ok) {
    std::ostringstream os;
    os << model << ": expected an input shape {C, H, W} of positive sizes, got {";
    for (size_t i = 0; i < input_shape.size(); ++i) os << (i ? ", " : "") << input_shape[i];
    os << "}";
    throw std::invalid_argument(os.str());
  }
  if (classes < 1) {
    throw std::invalid_argument(std::string(model) + ": expected at least 1 class, got " +
                                std::to_string(classes));
  }
  return ModelShape{input_shape[0], input_shape[1], input_shape[2], classes};
}

}  // namespace sasgsim
