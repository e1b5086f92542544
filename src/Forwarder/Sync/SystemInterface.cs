using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Forwarder.Sync;

/// <summary>The host's interfaces as a sync daemon needs them: by name, from /sys/class/net and the system's address list.</summary>
internal static class SystemInterface
{
    private static bool IsPlainName(string name) =>
        name.Length is > 0 and < 16 && name is not ("." or "..") && !name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c));

    private static string? Read(string name, string attribute)
    {
        if (!IsPlainName(name))
        {
            return null;
        }
        try
        {
            return File.ReadAllText($"/sys/class/net/{name}/{attribute}").Trim();
        }
        catch (Exception missing) when (missing is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static int? Mtu(string name) =>
        int.TryParse(Read(name, "mtu"), NumberStyles.None, CultureInfo.InvariantCulture, out var mtu) ? mtu : null;

    public static int? Index(string name) =>
        int.TryParse(Read(name, "ifindex"), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

    /// <summary>The interface's first IPv4 address, or null (the kernel then binds to no address and says so).</summary>
    public static IPAddress? Ipv4Address(string name) =>
        NetworkInterface.GetAllNetworkInterfaces()
            .FirstOrDefault(n => n.Name == name)?
            .GetIPProperties().UnicastAddresses
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
}
