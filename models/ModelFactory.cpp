// make_model: an explicit switch from ModelKind to the concrete network.
#include <stdexcept>
#include <string>

#include "models/Cnn.h"
#include "models/Fc512.h"
#include "models/Model.h"
#include "models/Resnet18.h"

namespace sasgsim {

std::shared_ptr<Model> make_model(ModelKind kind, const std::vector<int64_t>& input_shape,
                                  int64_t classes) {
  switch (kind) {
    case ModelKind::kFc512:
      return std::make_shared<Fc512>(input_shape, classes);
    case ModelKind::kResnet18:
      return std::make_shared<Resnet18>(input_shape, classes);
    case ModelKind::kCnn:
      return std::make_shared<Cnn>(input_shape, classes);
  }
  throw std::logic_error("make_model: unknown ModelKind " +
                         std::to_string(static_cast<int>(kind)));
}

}  // namespace sasgsim
