using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>One folder under captures/: its name and the input frames per director interface.</summary>
public interface ICaptureScenario
{
    /// <summary>The folder name under captures/.</summary>
    string Name { get; }

    /// <summary>Interface name (e.g. "eth2") to the frames that interface receives, in time order.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures();
}
