using System.Globalization;
using System.Text;

namespace Forwarder.Sync;

/// <summary>The sync daemons' counters for the counters file and the report at stop: only those that moved.</summary>
public static class SyncReport
{
    public static string Format(MulticastSyncLinks links)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in links.Counters.NonZero())
        {
            text.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
        }
        if (links.DroppedQueued > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"sync-messages-dropped-queued {links.DroppedQueued}\n");
        }
        return text.ToString();
    }
}
