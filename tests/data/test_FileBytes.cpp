#include "sim/data/FileBytes.h"

#include <iterator>

#include "tests/data/DataTestUtil.h"

namespace sasgsim {
namespace {

using testing::Bytes;

class FileBytes : public testing::TempDirTest {};

TEST_F(FileBytes, ReadsPlainAndGzipFilesAlike) {
  Bytes content;
  for (int i = 0; i < 100000; ++i) content.push_back(static_cast<uint8_t>(i * 31));
  testing::write_bytes(path("plain.bin"), content);
  testing::write_gzip(path("packed.bin.gz"), content);
  testing::write_gzip(path("packed_no_suffix"), content);  // recognized by its magic bytes
  EXPECT_EQ(read_file_bytes(path("plain.bin")), content);
  EXPECT_EQ(read_file_bytes(path("packed.bin.gz")), content);
  EXPECT_TRUE(is_gzip_file(path("packed_no_suffix")));
  EXPECT_FALSE(is_gzip_file(path("plain.bin")));
  EXPECT_EQ(read_file_bytes(path("packed_no_suffix")), content);
}

TEST_F(FileBytes, ReadsAnEmptyFile) {
  testing::write_bytes(path("empty"), {});
  EXPECT_TRUE(read_file_bytes(path("empty")).empty());
}

TEST_F(FileBytes, MissingFileIsADataErrorNamingIt) {
  const std::string message = testing::data_error_of([&] { read_file_bytes(path("nope")); });
  EXPECT_NE(message.find(path("nope")), std::string::npos) << message;
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;
}

TEST_F(FileBytes, DirectoryIsNotARegularFile) {
  const std::string message = testing::data_error_of([&] { read_file_bytes(dir_.string()); });
  EXPECT_NE(message.find("not a regular file"), std::string::npos) << message;
}

TEST_F(FileBytes, TruncatedGzipIsADataError) {
  Bytes content(50000);
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * i);
  testing::write_gzip(path("whole.gz"), content);
  std::ifstream in(path("whole.gz"), std::ios::binary);
  Bytes packed{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  packed.resize(packed.size() / 2);
  testing::write_bytes(path("half.gz"), packed);
  const std::string message = testing::data_error_of([&] { read_file_bytes(path("half.gz")); });
  EXPECT_NE(message.find(path("half.gz")), std::string::npos) << message;
  EXPECT_NE(message.find("gzip"), std::string::npos) << message;
}

}  // namespace
}  // namespace sasgsim
