import { SessionActivity } from './session-activity';
import type { SessionsRepository } from './sessions.repository';

function setup() {
  const markUsed = jest.fn().mockResolvedValue(undefined);
  const activity = new SessionActivity({ markUsed } as unknown as SessionsRepository);
  return { activity, markUsed };
}

describe('SessionActivity', () => {
  it('writes the sessions seen since the last flush in one statement, each once, and nothing when none was seen', async () => {
    const { activity, markUsed } = setup();
    activity.touch('a');
    activity.touch('b');
    activity.touch('a');
    await activity.flush();
    expect(markUsed).toHaveBeenCalledTimes(1);
    const [ids, times] = markUsed.mock.calls[0] as [string[], Date[]];
    expect(ids).toEqual(['a', 'b']);
    expect(times.every((time) => Date.now() - time.getTime() < 1000)).toBe(true);
    await activity.flush();
    expect(markUsed).toHaveBeenCalledTimes(1);
    expect(activity.pending('a')).toBeUndefined();
  });

  it('keeps what it could not write for the next flush', async () => {
    const { activity, markUsed } = setup();
    markUsed.mockRejectedValueOnce(new Error('connection refused'));
    activity.touch('a');
    await activity.flush();
    expect(activity.pending('a')).toBeInstanceOf(Date);
    await activity.flush();
    expect(markUsed.mock.calls[1][0]).toEqual(['a']);
  });

  it('writes what is pending before the application shuts down, and stops its timer', async () => {
    const { activity, markUsed } = setup();
    activity.onModuleInit();
    activity.touch('c');
    await activity.beforeApplicationShutdown();
    expect(markUsed.mock.calls[0][0]).toEqual(['c']);
  });
});
