using System.Net;
using System.Runtime.InteropServices;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// ipvsadm's forward lookups through the C library, in the admin process: <c>gethostbyname</c> (nsswitch: /etc/hosts,
/// DNS, ...; its first IPv4 address) and <c>getservbyname</c>. The calls share static results: one thread at a time.
/// </summary>
public sealed class SystemNameLookup : INameLookup
{
    public static readonly SystemNameLookup Instance = new();

    public Ipv4Address? Address(string host)
    {
        var entry = GetHostByName(host);
        if (entry == IntPtr.Zero)
        {
            return null;
        }
        // struct hostent { char *h_name; char **h_aliases; int h_addrtype; int h_length; char **h_addr_list; }
        var family = Marshal.ReadInt32(entry, 2 * IntPtr.Size);
        var list = Marshal.ReadIntPtr(entry, (2 * IntPtr.Size) + 8);
        var first = list == IntPtr.Zero ? IntPtr.Zero : Marshal.ReadIntPtr(list);
        if (family != 2 || first == IntPtr.Zero)
        {
            return null;
        }
        var bytes = new byte[4];
        Marshal.Copy(first, bytes, 0, 4);
        return new Ipv4Address(((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3]);
    }

    public ushort? Port(string name, IpProtocol protocol)
    {
        var protocolName = protocol switch
        {
            IpProtocol.Tcp => "tcp",
            IpProtocol.Udp => "udp",
            IpProtocol.Sctp => "sctp",
            _ => null,
        };
        if (protocolName is null)
        {
            return null;
        }
        var entry = GetServiceByName(name, protocolName);
        // struct servent { char *s_name; char **s_aliases; int s_port; ... }, s_port in network order.
        return entry == IntPtr.Zero ? null : (ushort)IPAddress.NetworkToHostOrder((short)Marshal.ReadInt32(entry, 2 * IntPtr.Size));
    }

    [DllImport("libc", EntryPoint = "gethostbyname", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr GetHostByName(string name);

    [DllImport("libc", EntryPoint = "getservbyname", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr GetServiceByName(string name, string protocol);
}
