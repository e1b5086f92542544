using System.Globalization;
using System.Net;

namespace Forwarder.Tests.Monitoring;

/// <summary>
/// How node_exporter's ipvs collector reads the files (github.com/prometheus/procfs, ipvs.go), restated for the
/// tests: ip_vs_stats is cut at its first three newlines, and its third line must hold exactly five hex fields;
/// ip_vs is read line by line, a line starting "TCP"/"UDP" (or "FWM") opening a service whose
/// "HEXADDR:HEXPORT" it parses, each "->" line with at least six fields giving a backend's address and port, then
/// weight, active and inactive connections in decimal. Anything it cannot parse is an error, as for node_exporter.
/// </summary>
internal static class NodeExporterIpvsParser
{
    public sealed record Stats(ulong Connections, ulong IncomingPackets, ulong OutgoingPackets, ulong IncomingBytes, ulong OutgoingBytes);

    public sealed record Backend(string LocalAddress, ushort LocalPort, string LocalMark, string Proto, string RemoteAddress, ushort RemotePort,
        ulong Weight, ulong ActiveConn, ulong InactConn);

    public static Stats ParseStats(string text)
    {
        var lines = text.Split('\n', 4);
        if (lines.Length != 4)
        {
            throw new FormatException("ip_vs_stats corrupt: too short");
        }
        var fields = lines[2].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            throw new FormatException("ip_vs_stats corrupt: unexpected number of fields");
        }
        var values = fields.Select(field => ulong.Parse(field, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)).ToArray();
        return new Stats(values[0], values[1], values[2], values[3], values[4]);
    }

    public static List<Backend> ParseBackends(string text)
    {
        var backends = new List<Backend>();
        string proto = "", localMark = "", localAddress = "";
        ushort localPort = 0;
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0] is "IP" or "Prot" || (fields.Length > 1 && fields[1] == "RemoteAddress:Port"))
            {
                continue;
            }
            switch (fields[0])
            {
                case "TCP" or "UDP" when fields.Length >= 2:
                    proto = fields[0];
                    localMark = "";
                    (localAddress, localPort) = ParseAddressAndPort(fields[1]);
                    break;
                case "FWM" when fields.Length >= 2:
                    proto = fields[0];
                    localMark = fields[1];
                    localAddress = "";
                    localPort = 0;
                    break;
                case "->" when fields.Length >= 6:
                    var (remoteAddress, remotePort) = ParseAddressAndPort(fields[1]);
                    backends.Add(new Backend(localAddress, localPort, localMark, proto, remoteAddress, remotePort,
                        ulong.Parse(fields[3], CultureInfo.InvariantCulture), ulong.Parse(fields[4], CultureInfo.InvariantCulture),
                        ulong.Parse(fields[5], CultureInfo.InvariantCulture)));
                    break;
            }
        }
        return backends;
    }

    /// <summary>"C0A801C7:0050": eight (or 32) hex digits of address, a colon, the port in hex.</summary>
    private static (string Address, ushort Port) ParseAddressAndPort(string text)
    {
        var parts = text.Split(':', 2);
        if (parts.Length != 2 || (parts[0].Length != 8 && parts[0].Length != 32))
        {
            throw new FormatException($"invalid IP:Port: {text}");
        }
        var address = new IPAddress(Convert.FromHexString(parts[0]));
        return (address.ToString(), ushort.Parse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
    }
}
