using System.Diagnostics.Tracing;

namespace Forwarder.Benchmarks;

/// <summary>Each garbage collection's generation, reason and suspension time, from the runtime's own GC events.</summary>
internal sealed class GcPauseListener : EventListener
{
    private DateTime _suspendStart;
    private int _depth;
    private string _reason = string.Empty;
    private string _type = string.Empty;

    public List<(int Generation, string Reason, string Type, double Milliseconds)> Pauses { get; } = [];

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        switch (e.EventName)
        {
            case "GCSuspendEEBegin_V1":
                _suspendStart = e.TimeStamp;
                break;
            case "GCStart_V2":
                _depth = Convert.ToInt32(e.Payload![1], System.Globalization.CultureInfo.InvariantCulture);
                _reason = e.Payload[2]!.ToString()!;
                _type = e.Payload[3]!.ToString()!;
                break;
            case "GCRestartEEEnd_V1":
                lock (Pauses)
                {
                    Pauses.Add((_depth, _reason, _type, (e.TimeStamp - _suspendStart).TotalMilliseconds));
                }
                break;
        }
    }
}
