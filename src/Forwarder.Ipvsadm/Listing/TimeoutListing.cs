using System.Globalization;
using Forwarder.Core.Connections;

namespace Forwarder.Ipvsadm.Listing;

/// <summary><c>ipvsadm -L --timeout</c>: the three timeouts --set edits, in seconds.</summary>
public static class TimeoutListing
{
    public static string List(ConnectionTimeouts timeouts) =>
        string.Format(CultureInfo.InvariantCulture, ListingFormats.TimeoutLine,
            timeouts.TcpEstablishedSeconds, timeouts.TcpFinWaitSeconds, timeouts.UdpSeconds);
}
