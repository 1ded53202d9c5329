"""Deep Learning from Scratch: the shared package every notebook imports.

Each module holds the building blocks an assignment taught, so the assignments after it can use
them without depending on a student's own answer. Sequences (11-14) are batch-first, ``(N, T, D)``.

- ``utils.losses``: softmax, one-hot encoding, cross-entropy, softmax cross-entropy (01_softmax)
- ``utils.gradcheck``: centred-difference numerical gradients and an asserting checker
- ``utils.data``: the course's data sets (letters A-J, digits, shifted letters), built offline and cached
- ``utils.preprocess``: standardising, class balance, stratified splits, exact and near duplicates,
  validation-set sizes (02_data)
- ``utils.layers``: affine, ReLU, sigmoid, tanh; ``*_forward -> (out, cache)``, ``*_backward``
- ``utils.train``: a mini-batch training loop with progress bars and learning curves
- ``utils.linear``, ``utils.optim``: the logistic classifier; update rules with one signature
  ``update(w, dw, config) -> (next_w, config)`` and learning-rate decay (03_logistic)
- ``utils.models``: ``FullyConnectedNet`` and ``mlp_loss``, extended through hooks (05_mlp)
- ``utils.regularization``: penalties, inverted dropout, augmentation, early stopping (07)
- ``utils.normalization``: standardising, batch norm, layer norm (08_batchnorm)
- ``utils.conv``: convolution (im2col, fast), max and average pooling, output sizes and receptive
  fields, conv-ReLU-pool sandwiches; NCHW layout (09_cnn)
- ``utils.convnet``: ``LeNet`` and ``lenet_loss``, a small convolutional classifier (09_cnn)
- ``utils.perceptron``: McCulloch-Pitts units, the perceptron, margin losses, binary logistic
  regression (04_perceptron)
- ``utils.rnn``: a vanilla tanh RNN step and layer with BPTT, the sequence classifier ``rnn_loss``,
  truncated BPTT (``truncated_bptt``, and ``tbptt_train`` for any model and update rule) (11_rnn)
- ``utils.temporal``: affine layer and masked softmax cross-entropy at every time step (11_rnn)
- ``utils.clipping``: gradient clipping by global norm and by value (11_rnn)
- ``utils.lstm``, ``utils.gru``: LSTM (gates i, f, g, o; final cell state in and out) and GRU
  (PyTorch's convention) steps and layers with BPTT; ``utils.bidirectional``: either of them, or the
  RNN, run both ways over masked sequences (12_lstm_gru)
- ``utils.sequences``: synthetic sequence tasks (recall, adding, parity) made from a seed
- ``utils.synthetic``: small 2-D data sets (separable blobs, XOR, ...) made from a seed
- ``utils.plotting``: decision boundaries and learning curves
"""

__version__ = "0.1.0"
