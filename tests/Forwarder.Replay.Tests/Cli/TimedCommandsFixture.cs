namespace Forwarder.Replay.Tests.Cli;

/// <summary>The --commands tests' common ground: a fresh <see cref="TimedCommandsRig"/> for every test, removed after it.</summary>
public abstract class TimedCommandsFixture
{
    private protected TimedCommandsRig Rig { get; private set; } = null!;

    [SetUp]
    public void CreateRig() => Rig = new TimedCommandsRig();

    [TearDown]
    public void RemoveRig() => Rig.Dispose();
}
