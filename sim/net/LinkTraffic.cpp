#include "sim/net/LinkTraffic.h"

#include <stdexcept>
#include <string>

namespace sasgsim {

LinkTraffic& LinkTraffic::operator+=(const LinkTraffic& other) {
  up_bytes += other.up_bytes;
  down_bytes += other.down_bytes;
  up_packets += other.up_packets;
  down_packets += other.down_packets;
  up_drops += other.up_drops;
  down_drops += other.down_drops;
  up_lost += other.up_lost;
  down_lost += other.down_lost;
  return *this;
}

LinkTraffic LinkTraffic::operator-(const LinkTraffic& other) const {
  LinkTraffic d;
  d.up_bytes = up_bytes - other.up_bytes;
  d.down_bytes = down_bytes - other.down_bytes;
  d.up_packets = up_packets - other.up_packets;
  d.down_packets = down_packets - other.down_packets;
  d.up_drops = up_drops - other.up_drops;
  d.down_drops = down_drops - other.down_drops;
  d.up_lost = up_lost - other.up_lost;
  d.down_lost = down_lost - other.down_lost;
  return d;
}

int64_t wire_bytes(const std::vector<LinkTraffic>& links, int workers, bool with_switch) {
  int64_t bytes = 0;
  for (int m = 0; m < workers; ++m) {
    bytes += links[m].up_bytes + (with_switch ? 0 : links[m].down_bytes);
  }
  return with_switch ? bytes + links[workers].down_bytes : bytes;
}

std::vector<LinkDescription> describe_links(const NetworkOptions& options, int workers) {
  std::vector<LinkDescription> links;
  for (int m = 0; m < workers; ++m) {
    const LinkOptions link = options.link_of(m);
    const std::string name = "worker " + std::to_string(m);
    links.push_back({options.is_remote(m) ? name : name + " (hosts the server: no link)",
                     link.rate_bps, link.rate_bps, link.latency_s});
  }
  if (options.topology == TopologyKind::kSwitch) {
    const ServerLinkOptions& card = options.server_link;
    links.push_back({"server access", card.upload_rate(), card.download_rate(), card.latency_s});
  }
  return links;
}

nlohmann::json links_to_json(const std::vector<LinkDescription>& links,
                             const std::vector<LinkTraffic>& traffic, double busy_s) {
  if (links.size() != traffic.size()) {
    throw std::logic_error("links_to_json: one traffic record per link expected");
  }
  auto utilisation = [&](int64_t bytes, double rate_bps) {
    return busy_s > 0.0 ? 8.0 * static_cast<double>(bytes) / rate_bps / busy_s : 0.0;
  };
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < links.size(); ++i) {
    const LinkTraffic& t = traffic[i];
    out.push_back({{"link", links[i].name},
                   {"up_rate_bps", links[i].up_rate_bps},
                   {"down_rate_bps", links[i].down_rate_bps},
                   {"latency_s", links[i].latency_s},
                   {"up_bytes", t.up_bytes},
                   {"down_bytes", t.down_bytes},
                   {"up_packets", t.up_packets},
                   {"down_packets", t.down_packets},
                   {"up_drops", t.up_drops},
                   {"down_drops", t.down_drops},
                   {"up_lost", t.up_lost},
                   {"down_lost", t.down_lost},
                   {"up_utilisation", utilisation(t.up_bytes, links[i].up_rate_bps)},
                   {"down_utilisation", utilisation(t.down_bytes, links[i].down_rate_bps)}});
  }
  return out;
}

}  // namespace sasgsim
