using System.Globalization;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>How ipvsadm names an address and port (<c>addrport_to_anyname</c>): numbers with -n, else names where the resolver has them.</summary>
internal static class EndpointNames
{
    public static string Format(Ipv4Address address, ushort port, IpProtocol? protocol, bool numeric, INameResolver names)
    {
        string text;
        if (numeric)
        {
            text = string.Format(CultureInfo.InvariantCulture, ListingFormats.AddressAndPort, address, port);
        }
        else
        {
            var host = names.HostName(address) ?? address.ToString();
            // As ipvsadm: a port of a protocol it does not know is always a number.
            var service = protocol is { } known ? names.PortName(port, known) : null;
            text = string.Format(CultureInfo.InvariantCulture, ListingFormats.AddressAndPort, host,
                service ?? port.ToString(CultureInfo.InvariantCulture));
        }
        return Cut(text, ListingFormats.AddressAndPortMaxLength);
    }

    public static string Cut(string text, int maxLength) => text.Length > maxLength ? text[..maxLength] : text;
}
