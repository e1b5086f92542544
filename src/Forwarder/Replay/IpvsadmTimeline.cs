using Forwarder.Capture.Replay;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Replay;

/// <summary>
/// Timed ipvsadm commands as a replay's timeline: each runs through the same <see cref="IpvsadmExecutor"/> the
/// live director's control socket uses, so it applies whole or not at all and is refused in ipvsadm's words.
/// A refusal stops the replay (<see cref="TimedCommandRefusedException"/>).
/// </summary>
public sealed class IpvsadmTimeline : IReplayTimeline
{
    private readonly IReadOnlyList<TimedCommand> _commands;
    private readonly IpvsadmExecutor _executor;
    private readonly string _commandsFile;
    private int _next;

    /// <param name="commands">In any order: they run by time, ties in the given order.</param>
    /// <param name="commandsFile">How refusals name the file the commands came from.</param>
    public IpvsadmTimeline(IEnumerable<TimedCommand> commands, IpvsadmExecutor executor, string commandsFile)
    {
        _commands = commands.OrderBy(c => c.OffsetMicroseconds).ToList();
        _executor = executor;
        _commandsFile = commandsFile;
    }

    public long? NextOffset => _next < _commands.Count ? _commands[_next].OffsetMicroseconds : null;

    public void RunNext()
    {
        var command = _commands[_next++];
        var result = _executor.Execute(command.Arguments);
        if (result.ExitCode != IpvsadmExitCodes.Success)
        {
            throw new TimedCommandRefusedException(_commandsFile, command.LineNumber, result.StandardError.TrimEnd('\n'), result.ExitCode);
        }
    }
}
