package dev.parley.chat.testkit;

import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.core.spi.Fanout;

class InProcessFanoutTest extends FanoutContract {
    @Override
    protected Fanout createFanout() {
        return new InProcessFanout();
    }
}
