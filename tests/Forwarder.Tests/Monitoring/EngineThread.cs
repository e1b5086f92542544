using Forwarder.Core.Engine;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Tests.Monitoring;

/// <summary>
/// Stands in for the live director's pump: one thread that runs the engine queue's pending steps every few
/// milliseconds, as the pumps do between frames, until disposed (bounded: it stops by itself after a minute).
/// </summary>
internal sealed class EngineThread : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public EngineThread(DirectorEngine engine)
    {
        Engine = engine;
        _thread = new Thread(Run) { IsBackground = true, Name = "test engine" };
        _thread.Start();
    }

    public DirectorEngine Engine { get; }

    public EngineCommandQueue Commands { get; } = new();

    /// <summary>How many times a step ran on this thread.</summary>
    public int StepsRun { get; private set; }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(5));
        Commands.Close();
    }

    private void Run()
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!_stop && DateTime.UtcNow < deadline)
        {
            StepsRun += Commands.RunPending(_ => IpvsadmResult.Failure(2, "no ipvsadm here\n"));
            Thread.Sleep(5);
        }
    }
}
