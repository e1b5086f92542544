using System.Globalization;
using Forwarder.Core.Frames;

namespace Forwarder.Capture.Live;

/// <summary>
/// The kernel's IPv6 routes as /proc/net/ipv6_route lists them: one line a route, the destination and its prefix
/// length, the source and its prefix length, the next hop, the metric, the reference and use counts, the flags and
/// the device, every number in hex and every address as 32 hex digits.
/// </summary>
public static class Ipv6RouteTable
{
    public const string ProcFile = "/proc/net/ipv6_route";

    // include/uapi/linux/route.h: the route goes through a gateway (the next hop is meaningful).
    private const uint RouteViaGateway = 0x0002;

    /// <summary>The IPv6 default route's gateway and device from the system's table, if there is one.</summary>
    public static (InetAddress Gateway, string Device)? DefaultGateway() =>
        File.Exists(ProcFile) ? DefaultGateway(File.ReadLines(ProcFile)) : null;

    /// <summary>
    /// The default route (::/0) through a gateway with the lowest metric, as the kernel would pick it; the
    /// unreachable default routes the kernel keeps on lo (no gateway) are not routes out.
    /// </summary>
    public static (InetAddress Gateway, string Device)? DefaultGateway(IEnumerable<string> lines)
    {
        (InetAddress Gateway, string Device)? best = null;
        var bestMetric = uint.MaxValue;
        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[1] != "00" || fields[0].Any(c => c != '0') ||
                !uint.TryParse(fields[5], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var metric) ||
                !uint.TryParse(fields[8], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags) ||
                (flags & RouteViaGateway) == 0 || fields[4].Length != 32)
            {
                continue;
            }
            byte[] nextHop;
            try
            {
                nextHop = Convert.FromHexString(fields[4]);
            }
            catch (FormatException)
            {
                continue;
            }
            if (best is null || metric < bestMetric)
            {
                best = (InetAddress.ReadIpv6(nextHop), fields[9]);
                bestMetric = metric;
            }
        }
        return best;
    }
}
