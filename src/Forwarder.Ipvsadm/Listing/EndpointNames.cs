using System.Globalization;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>How ipvsadm names an address and port (<c>addrport_to_anyname</c>): numbers with -n, else names where the resolver has them.</summary>
internal static class EndpointNames
{
    public static string Format(InetAddress address, ushort port, IpProtocol? protocol, bool numeric, INameResolver names)
    {
        string text;
        // As ipvsadm: an IPv6 address is bracketed; its name is not looked up here (printed as the number).
        var number = address.IsIpv4 ? address.ToString() : $"[{address}]";
        if (numeric)
        {
            text = string.Format(CultureInfo.InvariantCulture, ListingFormats.AddressAndPort, number, port);
        }
        else
        {
            var host = (address.IsIpv4 ? names.HostName(address.AsIpv4()) : null) ?? number;
            // As ipvsadm: a port of a protocol it does not know is always a number.
            var service = protocol is { } known ? names.PortName(port, known) : null;
            text = string.Format(CultureInfo.InvariantCulture, ListingFormats.AddressAndPort, host,
                service ?? port.ToString(CultureInfo.InvariantCulture));
        }
        return Cut(text, ListingFormats.AddressAndPortMaxLength);
    }

    public static string Cut(string text, int maxLength) => text.Length > maxLength ? text[..maxLength] : text;
}
