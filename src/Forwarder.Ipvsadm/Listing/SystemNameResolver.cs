using System.Net;
using System.Runtime.InteropServices;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// Names as ipvsadm 1.31 asks the C library for them when listing without -n: <c>gethostbyaddr</c> for an
/// address (so the system's resolver decides: nsswitch's order of /etc/hosts, DNS, ...) and <c>getservbyport</c>
/// for a port (/etc/services or whatever "services:" names). Used in the admin process, never in the director.
/// The C library's calls share static results, so one resolver must not be used from two threads at once.
/// </summary>
public sealed partial class SystemNameResolver : INameResolver
{
    private const int AddressFamilyInet = 2;

    public static readonly SystemNameResolver Instance = new();

    public string? HostName(Ipv4Address address)
    {
        byte[] bytes = [(byte)(address.Value >> 24), (byte)(address.Value >> 16), (byte)(address.Value >> 8), (byte)address.Value];
        var entry = GetHostByAddress(bytes, (uint)bytes.Length, AddressFamilyInet);
        // struct hostent begins with char *h_name.
        return entry == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry));
    }

    public string? PortName(ushort port, IpProtocol protocol)
    {
        var name = protocol switch
        {
            IpProtocol.Tcp => "tcp",
            IpProtocol.Udp => "udp",
            IpProtocol.Sctp => "sctp",
            _ => null,
        };
        if (name is null)
        {
            return null;
        }
        // The port goes in network order, in an int; struct servent begins with char *s_name.
        var entry = GetServiceByPort(IPAddress.HostToNetworkOrder((short)port) & 0xFFFF, name);
        return entry == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry));
    }

    [DllImport("libc", EntryPoint = "gethostbyaddr")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr GetHostByAddress(byte[] address, uint length, int family);

    [DllImport("libc", EntryPoint = "getservbyport", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr GetServiceByPort(int port, string protocol);
}
