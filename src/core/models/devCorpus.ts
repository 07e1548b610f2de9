/**
 * A short English text written for modeldao (no third-party text): the "peaked" dev model's output layer encodes its
 * character bigram statistics, so that model's next-token distributions are as sharp as a real model's.
 */
export const DEV_CORPUS = `The model was trained on stories that people shared, and the weights were published so that anyone could check them.
Every file has a name, a size and a hash. A node that serves the model fetches the weights, checks each block, and
loads them only when everything matches. When a client asks a question, the node answers one token at a time, and it
writes down what it did: the prompt it saw, the tokens it chose, and how sure the model was of each one.
The owners of the model hold its shares. They vote on the data that goes into the next version, and they earn a part
of every fee the model earns. A holder who does not want to vote can hand the votes to a friend. A proposal that wins
waits in the timelock for a day, and then anyone can carry it out.
A careful validator sends questions that look like any other, pays for them, and replays the answers with the real
weights. If the node served a smaller model, the replay disagrees at once: the tokens are not the ones the weights
would pick, and the numbers the node wrote down are not the numbers the weights give. The validator files a
challenge, the other validators look at the evidence, and the node loses part of its stake.
Honest nodes have nothing to fear. Their answers replay the same way on any machine, within a small and measured
margin, and their stake stays where it is. The money adds up to the last unit: what clients paid is what the
operators earned, what the holders claimed, and what is still waiting to be claimed.
This is a small model, and it only knows how letters tend to follow one another in these few paragraphs. It writes
words that look like English, most of the time, and it is sure of itself where English is predictable.
`
