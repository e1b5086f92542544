using System.Globalization;
using System.Text;
using Forwarder.Core.Sync;

namespace Forwarder.Ipvsadm.Listing;

/// <summary><c>ipvsadm -L --daemon</c> (list_daemon): a line per running sync daemon, the master's first; nothing when none runs.</summary>
public static class DaemonListing
{
    public static string List(ISyncDaemonHost? daemons)
    {
        var text = new StringBuilder();
        foreach (var role in new[] { SyncRole.Master, SyncRole.Backup })
        {
            if (daemons?.Running(role) is not { } config)
            {
                continue;
            }
            Append(text, ListingFormats.DaemonStart, role == SyncRole.Master ? "master" : "backup", config.Interface, config.SyncId);
            Append(text, ListingFormats.DaemonMaximumLength, config.MaximumLength);
            Append(text, ListingFormats.DaemonGroup, config.Group);
            Append(text, ListingFormats.DaemonPort, config.Port);
            Append(text, ListingFormats.DaemonTtl, config.Ttl);
            text.Append(ListingFormats.DaemonEnd);
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, string format, params ReadOnlySpan<object?> arguments) =>
        text.AppendFormat(CultureInfo.InvariantCulture, format, arguments);
}
